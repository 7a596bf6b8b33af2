/** A directory import as typed or uploaded: its rows for the preview, the request to send, and
 * the refusal's errors placed at their rows. */

import type { ImportRowError } from "./adminTypes";

export type Section = "org_units" | "people";
export type Format = "json" | "csv";
export type Row = Record<string, unknown>;

export interface Parsed {
  rows: Record<Section, Row[]>;
  /** What the API is sent: the media type, the body, and for a CSV file the entity it holds. */
  type: string;
  text: string;
  entity?: Section;
}

export type ParseResult = { ok: true; parsed: Parsed } | { ok: false; reason: "json" | "shape" | "empty" };

/** A file's format from its name, else from its first character. */
export function guessFormat(fileName: string | null, text: string): Format {
  if (fileName && /\.csv$/i.test(fileName)) return "csv";
  if (fileName && /\.json$/i.test(fileName)) return "json";
  return /^\s*[{[]/.test(text) ? "json" : "csv";
}

/** A CSV file of people names person_id in its header; otherwise it holds org units. */
export function guessEntity(text: string): Section {
  const header = text.split(/\r?\n/, 1)[0] ?? "";
  return header.split(",").some((c) => c.trim() === "person_id") ? "people" : "org_units";
}

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => r.some((f) => f !== ""));
}

export function parseImport(text: string, format: Format, entity: Section): ParseResult {
  if (!text.trim()) return { ok: false, reason: "empty" };
  if (format === "csv") {
    const [header, ...records] = parseCsv(text.replace(/^\uFEFF/, ""));
    const rows = records.map((values) =>
      Object.fromEntries((header ?? []).map((name, i) => [name.trim(), values[i] ?? ""])),
    );
    const empty: Record<Section, Row[]> = { org_units: [], people: [] };
    return { ok: true, parsed: { rows: { ...empty, [entity]: rows }, type: "text/csv", text, entity } };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { ok: false, reason: "json" };
  }
  if (!document || typeof document !== "object" || Array.isArray(document)) {
    return { ok: false, reason: "shape" };
  }
  const doc = document as Record<string, unknown>;
  const list = (name: Section): Row[] =>
    Array.isArray(doc[name]) ? (doc[name] as unknown[]).map((r) => (r && typeof r === "object" ? (r as Row) : {})) : [];
  return {
    ok: true,
    parsed: { rows: { org_units: list("org_units"), people: list("people") }, type: "application/json", text },
  };
}

export interface PlacedError {
  field: string;
  detail: string;
  line?: number;
}

/** The refusal's errors by row (`org_units/3`), and those about no row (the header, the file). */
export function placeErrors(errors: ImportRowError[] | undefined): {
  byRow: Map<string, PlacedError[]>;
  other: ImportRowError[];
} {
  const byRow = new Map<string, PlacedError[]>();
  const other: ImportRowError[] = [];
  for (const error of errors ?? []) {
    const match = /^#\/(org_units|people)\/(\d+)(?:\/(.+))?$/.exec(error.pointer);
    if (!match) {
      other.push(error);
      continue;
    }
    const key = `${match[1]}/${match[2]}`;
    byRow.set(key, [...(byRow.get(key) ?? []), { field: match[3] ?? "", detail: error.detail, line: error.line }]);
  }
  return { byRow, other };
}

/** The column a row is best named by. */
export function rowKey(section: Section, row: Row): string {
  const id = row[section === "people" ? "person_id" : "org_unit_id"];
  return typeof id === "string" ? id : "";
}
