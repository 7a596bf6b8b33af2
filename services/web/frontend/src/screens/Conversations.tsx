import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import {
  errorsOf,
  FieldError,
  fieldProps,
  FormProblem,
  useFocusFirstError,
} from "../components/FormFields";
import { Empty, ErrorView, Loading } from "../components/States";
import { usePeople as useDirectoryPeople } from "../lib/directory";
import type { DirectoryEntry } from "../lib/adminTypes";
import { api } from "../lib/api";
import { useConversation, useFeedback, useMyConversations } from "../lib/conversationQueries";
import { FEEDBACK_KINDS, type Conversation, type Feedback } from "../lib/conversationTypes";
import { formatDateTime } from "../lib/format";
import { useSession } from "../lib/hooks";
import { pickActiveCycle, useCycles, useMyObjectives } from "../lib/queries";
import type { ObjectiveProgress } from "../lib/types";

const enc = encodeURIComponent;

export interface Partner {
  kind: "manager" | "report";
  person_id: string;
}

/** Whom I may start a one-to-one with: my manager, then my reports, from the directory. */
export function partnersOf(me: string, people: DirectoryEntry[]): Partner[] {
  const mine = people.find((p) => p.person_id === me);
  const manager: Partner[] = mine?.manager_id ? [{ kind: "manager", person_id: mine.manager_id }] : [];
  const reports: Partner[] = people
    .filter((p) => p.manager_id === me && p.active && p.person_id !== me)
    .map((p) => ({ kind: "report", person_id: p.person_id }));
  return [...manager, ...reports];
}

/** The request starting a one-to-one with a partner: the person is the report, the manager theirs. */
export function startBody(me: string, partner: Partner, topic: string) {
  return partner.kind === "manager"
    ? { person_id: me, manager_id: partner.person_id, topic }
    : { person_id: partner.person_id, manager_id: me, topic };
}

export function otherOf(conversation: Conversation, me: string): string {
  return conversation.person_id === me ? conversation.manager_id : conversation.person_id;
}

type Names = (id: string) => string;

function StartConversation({ me, names }: { me: string; names: Names }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const people = useDirectoryPeople();
  const partners = partnersOf(me, people.data ?? []);
  const [choice, setChoice] = useState("");
  const [topic, setTopic] = useState("");
  const partner = partners.find((p) => `${p.kind}:${p.person_id}` === choice) ?? partners[0];
  const start = useMutation({
    mutationFn: () => api.post<Conversation>("checkins", "/v1/conversations", startBody(me, partner!, topic.trim())),
    onSuccess: (conversation) => {
      setTopic("");
      queryClient.setQueryData(["conversation", conversation.conversation_id], conversation);
      void queryClient.invalidateQueries({ queryKey: ["conversations"] });
      navigate(`/conversations/${enc(conversation.conversation_id)}`);
    },
  });
  const apiErrors = errorsOf(start.error);
  const errors = { person_id: apiErrors.person_id ?? apiErrors.manager_id ?? "", topic: apiErrors.topic ?? "" };
  useFocusFirstError("start", ["person_id", "topic"], errors);
  if (people.isPending) return <Loading />;
  if (people.isError) return <ErrorView error={people.error} />;
  if (partners.length === 0) return <Empty message={t("conversations.noPartners")} />;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };
  return (
    <form className="admin-form" onSubmit={onSubmit} noValidate aria-labelledby="start-heading" data-testid="start-form">
      <h2 id="start-heading">{t("conversations.start")}</h2>
      <FormProblem error={start.error} fields={["person_id", "manager_id", "topic"]} testId="start-error" />
      <div className="field">
        <label htmlFor="start-person_id">{t("conversations.with")}</label>
        <select data-testid="start-with" value={partner ? `${partner.kind}:${partner.person_id}` : ""}
          onChange={(e) => { start.reset(); setChoice(e.target.value); }} {...fieldProps("start", "person_id", errors)}>
          {partners.map((p) => (
            <option key={`${p.kind}:${p.person_id}`} value={`${p.kind}:${p.person_id}`}>
              {t(`conversations.partner.${p.kind}`, { name: names(p.person_id) })}
            </option>
          ))}
        </select>
        <FieldError prefix="start" field="person_id" errors={apiErrors} />
        <FieldError prefix="start" field="manager_id" errors={apiErrors} />
      </div>
      <div className="field">
        <label htmlFor="start-topic">{t("conversations.topic")}</label>
        <input type="text" data-testid="start-topic" value={topic} maxLength={400}
          onChange={(e) => setTopic(e.target.value)} {...fieldProps("start", "topic", errors)} />
        <FieldError prefix="start" field="topic" errors={errors} />
      </div>
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="start-submit" disabled={start.isPending}>
          {t("conversations.startSubmit")}
        </button>
      </div>
    </form>
  );
}

function ConversationList({ me, names, selected }: { me: string; names: Names; selected?: string }) {
  const { t, i18n } = useTranslation();
  const conversations = useMyConversations();
  if (conversations.isPending) return <Loading />;
  if (conversations.isError) return <ErrorView error={conversations.error} />;
  if (conversations.data.length === 0) return <Empty message={t("conversations.none")} />;
  return (
    <ul className="conversation-list" data-testid="conversation-list">
      {conversations.data.map((c) => {
        const last = c.messages[c.messages.length - 1];
        return (
          <li key={c.conversation_id}>
            <Link to={`/conversations/${enc(c.conversation_id)}`} data-testid={`conversation-${c.conversation_id}`}
              aria-current={c.conversation_id === selected ? "page" : undefined} className="conversation-link">
              <span className="kr-title">{c.topic || t("conversations.noTopic")}</span>
              <span className="cycle-meta">
                {t("conversations.withName", { name: names(otherOf(c, me)) })} ·{" "}
                {t("conversations.messageCount", { count: c.messages.length })}
                {last ? ` · ${formatDateTime(last.posted_at, i18n.language)}` : ""}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function Thread({ conversationId, me, names }: { conversationId: string; me: string; names: Names }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const conversation = useConversation(conversationId);
  const [text, setText] = useState("");
  const post = useMutation({
    mutationFn: () =>
      api.post<Conversation>("checkins", `/v1/conversations/${enc(conversationId)}/messages`, { text }),
    onSuccess: (updated) => {
      setText("");
      queryClient.setQueryData(["conversation", conversationId], updated);
      void queryClient.invalidateQueries({ queryKey: ["conversations"] });
    },
  });
  const errors = errorsOf(post.error);
  useFocusFirstError("message", ["text"], errors);
  if (conversation.isPending) return <Loading />;
  if (conversation.isError) return <ErrorView error={conversation.error} />;
  const c = conversation.data;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    post.mutate();
  };
  return (
    <section aria-labelledby="thread-heading" className="thread" data-testid="thread">
      <h2 id="thread-heading">{c.topic || t("conversations.noTopic")}</h2>
      <p className="cycle-meta">{t("conversations.between", { person: names(c.person_id), manager: names(c.manager_id) })}</p>
      {c.messages.length === 0 ? (
        <Empty message={t("conversations.noMessages")} />
      ) : (
        <ol className="message-list" data-testid="message-list">
          {c.messages.map((m) => (
            <li key={m.message_id} className={m.author_id === me ? "message mine" : "message"} data-testid={`message-${m.message_id}`}>
              <span className="message-author">{m.author_id === me ? t("conversations.you") : names(m.author_id)}</span>{" "}
              <span className="cycle-meta">{formatDateTime(m.posted_at, i18n.language)}</span>
              <p className="message-text">{m.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form className="admin-form" onSubmit={onSubmit} noValidate aria-label={t("conversations.post")} data-testid="message-form">
        <FormProblem error={post.error} fields={["text"]} testId="message-error" />
        <div className="field">
          <label htmlFor="message-text">{t("conversations.message")}</label>
          <textarea rows={3} data-testid="message-text" value={text} onChange={(e) => setText(e.target.value)}
            {...fieldProps("message", "text", errors)} />
          <FieldError prefix="message" field="text" errors={errors} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary" data-testid="message-submit" disabled={post.isPending}>
            {t("conversations.post")}
          </button>
        </div>
      </form>
    </section>
  );
}

const FEEDBACK_FIELDS = ["objective", "kind", "key_result_id", "text"] as const;

function FeedbackPanel({ people, names }: { people: string[]; names: Names }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const cycles = useCycles();
  const cycle = pickActiveCycle(cycles.data);
  const first = useMyObjectives(people[0]!, cycle?.cycle_id);
  const second = useMyObjectives(people[1] ?? people[0]!, cycle?.cycle_id);
  const objectives = [...(first.data ?? []), ...(second.data ?? [])].filter(
    (o, i, all) => all.findIndex((x) => x.objective_id === o.objective_id) === i,
  );
  const [objectiveId, setObjectiveId] = useState("");
  const objective: ObjectiveProgress | undefined =
    objectives.find((o) => o.objective_id === objectiveId) ?? objectives[0];
  const [kind, setKind] = useState<string>("praise");
  const [keyResultId, setKeyResultId] = useState("");
  const [text, setText] = useState("");
  const feedback = useFeedback(objective?.objective_id);
  const give = useMutation({
    mutationFn: () =>
      api.post<Feedback>("checkins", `/v1/objectives/${enc(objective!.objective_id)}/feedback`, {
        kind,
        text,
        ...(keyResultId ? { key_result_id: keyResultId } : {}),
      }),
    onSuccess: () => {
      setText("");
      void queryClient.invalidateQueries({ queryKey: ["feedback", objective!.objective_id] });
    },
  });
  const errors = errorsOf(give.error);
  useFocusFirstError("feedback", FEEDBACK_FIELDS, errors);
  const krTitle = (id: string | null) =>
    objective?.key_results.find((k) => k.key_result_id === id)?.title ?? id ?? "";
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    give.mutate();
  };
  return (
    <section aria-labelledby="feedback-heading" className="feedback" data-testid="feedback-panel">
      <h2 id="feedback-heading">{t("conversations.feedback.title")}</h2>
      {(cycles.isPending || first.isPending) && cycle !== undefined && <Loading />}
      {(first.isError || second.isError) && <ErrorView error={first.error ?? second.error} />}
      {cycles.isSuccess && objectives.length === 0 && !first.isPending && <Empty message={t("conversations.feedback.noObjectives")} />}
      {objective && (
        <>
          <form className="admin-form" onSubmit={onSubmit} noValidate aria-labelledby="feedback-heading" data-testid="feedback-form">
            <FormProblem error={give.error} fields={FEEDBACK_FIELDS} testId="feedback-error" />
            <div className="field">
              <label htmlFor="feedback-objective">{t("conversations.feedback.objective")}</label>
              <select data-testid="feedback-objective" value={objective.objective_id}
                onChange={(e) => { give.reset(); setKeyResultId(""); setObjectiveId(e.target.value); }}
                {...fieldProps("feedback", "objective", errors)}>
                {objectives.map((o) => (
                  <option key={o.objective_id} value={o.objective_id}>
                    {t("conversations.feedback.objectiveOf", { title: o.title ?? o.objective_id, owner: names(o.owner_id ?? "") })}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="feedback-kind">{t("conversations.feedback.kind")}</label>
              <select data-testid="feedback-kind" value={kind} onChange={(e) => setKind(e.target.value)}
                {...fieldProps("feedback", "kind", errors)}>
                {FEEDBACK_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`conversations.feedback.kinds.${k}`)}
                  </option>
                ))}
              </select>
              <FieldError prefix="feedback" field="kind" errors={errors} />
            </div>
            <div className="field">
              <label htmlFor="feedback-key_result_id">{t("conversations.feedback.keyResult")}</label>
              <select data-testid="feedback-key-result" value={keyResultId} onChange={(e) => setKeyResultId(e.target.value)}
                {...fieldProps("feedback", "key_result_id", errors)}>
                <option value="">{t("conversations.feedback.wholeObjective")}</option>
                {objective.key_results.map((k) => (
                  <option key={k.key_result_id} value={k.key_result_id}>
                    {k.title ?? k.key_result_id}
                  </option>
                ))}
              </select>
              <FieldError prefix="feedback" field="key_result_id" errors={errors} />
            </div>
            <div className="field">
              <label htmlFor="feedback-text">{t("conversations.feedback.text")}</label>
              <textarea rows={2} data-testid="feedback-text" value={text} onChange={(e) => setText(e.target.value)}
                {...fieldProps("feedback", "text", errors)} />
              <FieldError prefix="feedback" field="text" errors={errors} />
            </div>
            <div className="form-actions">
              <button type="submit" className="primary" data-testid="feedback-submit" disabled={give.isPending}>
                {t("conversations.feedback.submit")}
              </button>
            </div>
          </form>
          {feedback.isPending && <Loading />}
          {feedback.isError && <ErrorView error={feedback.error} />}
          {feedback.isSuccess && feedback.data.length === 0 && <Empty message={t("conversations.feedback.none")} />}
          {feedback.isSuccess && feedback.data.length > 0 && (
            <ul className="message-list" data-testid="feedback-list">
              {[...feedback.data].reverse().map((f) => (
                <li key={f.feedback_id} className="message" data-testid={`feedback-${f.feedback_id}`}>
                  <span className={`badge badge-feedback-${f.kind}`}>{t(`conversations.feedback.kinds.${f.kind}`, { defaultValue: f.kind })}</span>{" "}
                  <span className="message-author">{names(f.author_id)}</span>{" "}
                  <span className="cycle-meta">
                    {f.key_result_id ? `${krTitle(f.key_result_id)} · ` : ""}
                    {formatDateTime(f.given_at, i18n.language)}
                  </span>
                  <p className="message-text">{f.text}</p>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

export function Conversations() {
  const { t } = useTranslation();
  const { conversationId } = useParams();
  const session = useSession()!;
  const me = session.person.person_id;
  const people = useDirectoryPeople();
  const selected = useConversation(conversationId);
  const names: Names = (id) => people.data?.find((p) => p.person_id === id)?.name ?? id;
  const other = selected.data ? otherOf(selected.data, me) : undefined;
  return (
    <section className="page">
      <h1>{t("conversations.title")}</h1>
      <div className="conversation-layout">
        <div>
          <StartConversation me={me} names={names} />
          <h2>{t("conversations.mine")}</h2>
          <ConversationList me={me} names={names} selected={conversationId} />
        </div>
        <div>
          {conversationId ? (
            <Thread conversationId={conversationId} me={me} names={names} />
          ) : (
            <Empty message={t("conversations.pick")} />
          )}
          <FeedbackPanel key={other ?? me} people={other ? [other, me] : [me]} names={names} />
        </div>
      </div>
    </section>
  );
}
