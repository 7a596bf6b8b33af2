{{/* Name of a service's objects: okr-<service>. */}}
{{- define "okr.name" -}}okr-{{ . }}{{- end -}}

{{/* Labels every object carries (the selector labels add name and instance). */}}
{{- define "okr.commonLabels" -}}
app.kubernetes.io/part-of: okr-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component (dict root, name). */}}
{{- define "okr.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Image reference: registry/repository, then @digest or :tag (dict root, image). */}}
{{- define "okr.image" -}}
{{- $img := .image -}}
{{- $ref := printf "%s/%s" .root.Values.image.registry $img.repository -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $ref $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (default .root.Values.image.tag $img.tag) -}}
{{- end -}}
{{- end -}}

{{/* Pod-level security context. */}}
{{- define "okr.podSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security context. */}}
{{- define "okr.containerSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Environment upper-case prefix of a service (GOALS, CHECKINS, ...). */}}
{{- define "okr.prefix" -}}{{ upper . }}{{- end -}}

{{/* Kafka settings and credentials, for the services and the topic job. */}}
{{- define "okr.kafkaEnv" -}}
{{- $k := .Values.kafka -}}
- name: OKR_KAFKA_BOOTSTRAP
  value: {{ $k.bootstrap | quote }}
- name: OKR_KAFKA_TOPIC_NAMESPACE
  value: {{ $k.topicNamespace | quote }}
- name: OKR_KAFKA_PARTITIONS
  value: {{ $k.partitions | quote }}
- name: OKR_KAFKA_REPLICATION
  value: {{ $k.replication | quote }}
- name: OKR_KAFKA_MIN_INSYNC
  value: {{ $k.minInsync | quote }}
- name: OKR_KAFKA_RETENTION_MS
  value: {{ $k.retentionMs | quote }}
- name: OKR_KAFKA_SECURITY_PROTOCOL
  value: {{ $k.security.protocol | quote }}
{{- if hasPrefix "SASL" $k.security.protocol }}
- name: OKR_KAFKA_SASL_MECHANISM
  value: {{ $k.security.saslMechanism | quote }}
- name: OKR_KAFKA_SASL_USERNAME
  value: {{ $k.security.saslUsername | quote }}
- name: OKR_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $k.security.saslPasswordSecret.name }}
      key: {{ $k.security.saslPasswordSecret.key }}
{{- end }}
{{- if $k.security.tlsSecret }}
- name: OKR_KAFKA_SSL_CAFILE
  value: /etc/okr/kafka-tls/{{ $k.security.caFile }}
{{- if $k.security.certFile }}
- name: OKR_KAFKA_SSL_CERTFILE
  value: /etc/okr/kafka-tls/{{ $k.security.certFile }}
- name: OKR_KAFKA_SSL_KEYFILE
  value: /etc/okr/kafka-tls/{{ $k.security.keyFile }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Volume mounts and volumes every pod has: /tmp, and the Kafka TLS files when set. */}}
{{- define "okr.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.kafka.security.tlsSecret }}
- name: kafka-tls
  mountPath: /etc/okr/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{- define "okr.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if .Values.kafka.security.tlsSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.security.tlsSecret }}
{{- end }}
{{- end -}}

{{/* Database connection of an event-sourced service (dict root, svc, cfg, user, password). */}}
{{- define "okr.postgresEnv" -}}
{{- $p := include "okr.prefix" .svc -}}
- name: {{ $p }}_PERSISTENCE_MODULE
  value: eventsourcing.postgres
- name: {{ $p }}_POSTGRES_HOST
  value: {{ default .root.Values.databases.postgres.host .cfg.database.host | quote }}
- name: {{ $p }}_POSTGRES_PORT
  value: {{ default .root.Values.databases.postgres.port .cfg.database.port | quote }}
- name: {{ $p }}_POSTGRES_DBNAME
  value: {{ .cfg.database.name | quote }}
{{- end -}}
