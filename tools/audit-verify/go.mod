module okr/tools/audit-verify

go 1.22
