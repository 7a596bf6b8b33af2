import { describe, expect, it } from "vitest";
import { shownPerson } from "./directory";

const BASE = {
  person_id: "ana@acme.example",
  email: null,
  manager_id: null,
  org_unit_id: "research",
  locale: null,
  active: true,
  version: 3,
};

describe("a person as the screens name them", () => {
  it("keeps a name, and names an erased person as erased", () => {
    expect(shownPerson({ ...BASE, name: "Ana" }, "Erased person").name).toBe("Ana");
    expect(shownPerson({ ...BASE, name: null, erased: true }, "Erased person").name).toBe("Erased person");
    expect(shownPerson({ ...BASE, name: null }, "已删除个人信息的成员").name).toBe("已删除个人信息的成员");
  });
});
