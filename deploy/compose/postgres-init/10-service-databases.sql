-- One database per event-sourced service on the compose PostgreSQL. The postgres image runs
-- this file (mounted in /docker-entrypoint-initdb.d) once, when it initialises an empty data
-- volume, connected to POSTGRES_DB as POSTGRES_USER. POSTGRES_DB (`okr`) is the goal
-- service's database; the check-in service has its own, `okr_checkins`, the review service
-- its own, `okr_reviews`, and the incentive service its own, `okr_incentives`.
--
-- Safe to run again. On a volume created before this file existed:
--   docker compose exec -T postgres psql -U okr -d okr < deploy/compose/postgres-init/10-service-databases.sql
SELECT 'CREATE DATABASE okr_checkins OWNER okr'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'okr_checkins')
\gexec
SELECT 'CREATE DATABASE okr_reviews OWNER okr'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'okr_reviews')
\gexec
SELECT 'CREATE DATABASE okr_incentives OWNER okr'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'okr_incentives')
\gexec

-- Runtime users, one per service, without DDL rights: the migrate-<service> jobs create the
-- tables as `okr` and grant these users SELECT, INSERT, UPDATE and DELETE. Local passwords only.
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', r, r)
FROM unnest(ARRAY['okr_goals', 'okr_checkins', 'okr_reviews', 'okr_incentives']) AS r
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r)
\gexec
GRANT CONNECT ON DATABASE okr TO okr_goals;
GRANT CONNECT ON DATABASE okr_checkins TO okr_checkins;
GRANT CONNECT ON DATABASE okr_reviews TO okr_reviews;
GRANT CONNECT ON DATABASE okr_incentives TO okr_incentives;
