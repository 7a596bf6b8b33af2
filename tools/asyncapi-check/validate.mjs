// Validates AsyncAPI documents with @asyncapi/parser: `node validate.mjs FILE...`.
//
// Prints every diagnostic on stderr; exits 1 when any has error severity (warnings and hints are
// printed only). Payloads in `application/schema+json;version=draft-2020-12` are checked as JSON
// Schema 2020-12 (Ajv), which the parser leaves to a registered schema parser. On stdout, one
// JSON line per document: its file, its messages and the `$id` of each message's payload.
import { Parser, fromFile } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DRAFT_2020_12 = 'application/schema+json;version=draft-2020-12';
const SEVERITY = ['error', 'warning', 'info', 'hint'];

function schemaProblems(schema) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  if (!ajv.validateSchema(schema)) {
    return ajv.errors.map((e) => `${e.instancePath || '/'} ${e.message}`);
  }
  try {
    ajv.compile(schema);
    return [];
  } catch (error) {
    return [error.message];
  }
}

function draft202012(found) {
  const check = async (input) => {
    const problems = schemaProblems(input.data);
    return problems.map((message) => ({ message: `JSON Schema 2020-12: ${message}`, path: input.path }));
  };
  return {
    getMimeTypes: () => [DRAFT_2020_12],
    validate: check,
    async parse(input) {
      found.push(...(await check(input)));
      return input.data;
    },
  };
}

async function validate(file) {
  const schemaDiagnostics = [];
  const parser = new Parser({ schemaParsers: [draft202012(schemaDiagnostics)] });
  const { document, diagnostics } = await fromFile(parser, file).parse();
  const all = [
    ...diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, path: d.path })),
    ...schemaDiagnostics.map((d) => ({ severity: 0, code: 'json-schema-2020-12', ...d })),
  ];
  for (const d of all) {
    console.error(`${file}: ${SEVERITY[d.severity] ?? d.severity} ${d.code}: ${d.message} at /${d.path.join('/')}`);
  }
  const messages = document
    ? document.messages().all().map((m) => ({ id: m.id(), payload: m.payload()?.id() ?? null }))
    : [];
  console.log(JSON.stringify({ file, messages }));
  return document !== undefined && !all.some((d) => d.severity === 0);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate.mjs FILE...');
  process.exit(2);
}
let ok = true;
for (const file of files) {
  ok = (await validate(file)) && ok;
}
process.exit(ok ? 0 : 1);
