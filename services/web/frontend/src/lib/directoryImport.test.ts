import { describe, expect, it } from "vitest";
import { guessEntity, guessFormat, parseCsv, parseImport, placeErrors } from "./directoryImport";

describe("a directory import", () => {
  it("reads quoted CSV fields, doubled quotes and CRLF lines", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n1,\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["1", ""],
    ]);
  });

  it("guesses the format from the file name, else the first character, and a CSV's entity", () => {
    expect(guessFormat("people.CSV", "{")).toBe("csv");
    expect(guessFormat(null, '  {"people": []}')).toBe("json");
    expect(guessFormat(null, "person_id,name")).toBe("csv");
    expect(guessEntity("person_id,name,email\nx,y,z")).toBe("people");
    expect(guessEntity("org_unit_id,name,kind")).toBe("org_units");
  });

  it("previews JSON rows and sends the text as JSON; a CSV goes as text/csv with its entity", () => {
    const json = parseImport('{"people": [{"person_id": "a"}]}', "json", "people");
    expect(json.ok && json.parsed.rows.people).toEqual([{ person_id: "a" }]);
    expect(json.ok && json.parsed.type).toBe("application/json");
    const csv = parseImport("person_id,name\nb,Bea\n", "csv", "people");
    expect(csv.ok && csv.parsed).toMatchObject({
      type: "text/csv",
      entity: "people",
      rows: { org_units: [], people: [{ person_id: "b", name: "Bea" }] },
    });
    expect(parseImport("{nope", "json", "people")).toEqual({ ok: false, reason: "json" });
    expect(parseImport("[1]", "json", "people")).toEqual({ ok: false, reason: "shape" });
    expect(parseImport("  ", "csv", "people")).toEqual({ ok: false, reason: "empty" });
  });

  it("places each error at its row and keeps the others apart", () => {
    const { byRow, other } = placeErrors([
      { pointer: "#/people/1/email", line: 2, detail: "must be an e-mail address" },
      { pointer: "#/people/1/locale", line: 2, detail: "must be a language tag" },
      { pointer: "#/org_units/0/parent_id", line: 1, detail: "unknown org unit x" },
      { pointer: "#/header", detail: "columns must be among …" },
    ]);
    expect(byRow.get("people/1")).toEqual([
      { field: "email", line: 2, detail: "must be an e-mail address" },
      { field: "locale", line: 2, detail: "must be a language tag" },
    ]);
    expect(byRow.get("org_units/0")?.[0]?.field).toBe("parent_id");
    expect(other).toEqual([{ pointer: "#/header", detail: "columns must be among …" }]);
  });
});
