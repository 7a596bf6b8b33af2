import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { Admin } from "./Admin";
import { jsonResponse, renderWithProviders } from "../test/render";
import { setSession } from "../lib/session";

afterEach(() => vi.unstubAllGlobals());

function signInAs(roles: string[]) {
  setSession({
    token: "t",
    expiresAt: null,
    person: { person_id: "ceo", name: "Chen", org_unit_id: null, locale: "en", roles },
  });
}

const cycle = {
  cycle_id: "2026-Q3",
  name: "Q3",
  cadence: "quarterly",
  starts_on: "2026-07-01",
  ends_on: "2026-09-30",
  state: "planning",
  version: 1,
};

function stubApi(onAdvance: (body: unknown) => Response) {
  const fetch = vi.fn(async (url: string, init?: RequestInit) => {
    if (url.endsWith("/state")) return onAdvance(JSON.parse(init!.body as string));
    if (url.includes("/v1/cycles")) return jsonResponse(200, { items: [cycle] });
    return jsonResponse(200, { items: [], limit: 1000, offset: 0 });
  });
  vi.stubGlobal("fetch", fetch);
  return fetch;
}

describe("the admin screen", () => {
  it("shows a not-allowed state to someone who is not an admin, and calls nothing", () => {
    signInAs(["leader"]);
    const fetch = stubApi(() => jsonResponse(500, {}));
    renderWithProviders(<Admin />);
    expect(screen.getByTestId("admin-forbidden").textContent).toContain("Only administrators");
    expect(fetch).not.toHaveBeenCalled();
  });

  it("asks for a reason before moving a cycle on, then shows the API's refusal at the field", async () => {
    signInAs(["admin"]);
    const fetch = stubApi(() =>
      jsonResponse(403, {
        title: "Forbidden",
        detail: "only admins change a cycle's state",
        errors: [{ pointer: "#/state", detail: "only admins change a cycle's state" }],
      }),
    );
    renderWithProviders(<Admin />);
    fireEvent.click(await screen.findByTestId("cycle-advance-2026-Q3"));
    fireEvent.click(screen.getByTestId("advance-submit"));
    expect(screen.getByTestId("error-reason").textContent).toBe("Say why the cycle moves on.");
    expect(document.activeElement).toBe(screen.getByTestId("advance-reason"));
    expect(fetch.mock.calls.some(([url]) => String(url).endsWith("/state"))).toBe(false);

    fireEvent.change(screen.getByTestId("advance-reason"), { target: { value: "Kick-off done" } });
    fireEvent.click(screen.getByTestId("advance-submit"));
    expect((await screen.findByTestId("error-state")).textContent).toBe("only admins change a cycle's state");
    expect(screen.queryByTestId("error-reason")).toBeNull();
    const call = fetch.mock.calls.find(([url]) => String(url).endsWith("/state"))!;
    expect(JSON.parse((call[1] as RequestInit).body as string)).toEqual({ state: "active", reason: "Kick-off done" });
  });

  it("sends a pasted CSV as text/csv with its entity and shows each refused row's problem at the row", async () => {
    signInAs(["admin"]);
    const fetch = vi.fn(async (url: string, _init?: RequestInit) => {
      if (url.includes("/v1/directory/import")) {
        return jsonResponse(422, {
          type: "https://okr-platform.dev/problems/import-rejected",
          title: "Rejected",
          detail: "1 problem(s); nothing was stored",
          errors: [{ pointer: "#/people/1/email", line: 3, detail: "must be an e-mail address" }],
        });
      }
      if (url.includes("/v1/cycles")) return jsonResponse(200, { items: [] });
      return jsonResponse(200, { items: [] });
    });
    vi.stubGlobal("fetch", fetch);
    renderWithProviders(<Admin />);
    fireEvent.change(screen.getByTestId("import-text"), {
      target: { value: "person_id,name,email\na,Ann,a@x.example\nb,Bob,nope\n" },
    });
    expect((screen.getByTestId("import-format") as HTMLSelectElement).value).toBe("csv");
    fireEvent.click(screen.getByTestId("import-submit"));
    expect((await screen.findByTestId("import-row-error-people-1")).textContent).toBe(
      "Line 3: email: must be an e-mail address",
    );
    expect(screen.getByTestId("import-row-people-0").getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByTestId("import-refused").textContent).toContain("Nothing was imported");
    const call = fetch.mock.calls.find(([url]) => String(url).includes("/import"))!;
    expect(call[0]).toBe("/api/goals/v1/directory/import?entity=people");
    expect((call[1] as RequestInit).headers).toMatchObject({ "Content-Type": "text/csv" });
    await waitFor(() => expect(screen.getByTestId("import-rows-people")).toBeTruthy());
  });
});
