import { afterEach, describe, expect, it } from "vitest";
import { act, render, screen } from "@testing-library/react";
import { markDown, markUp } from "../lib/banner";
import { ServiceBanner } from "./ServiceBanner";

afterEach(() => markUp("projections"));

describe("the service banner", () => {
  it("appears while a service is down and names it", () => {
    render(<ServiceBanner />);
    expect(screen.queryByTestId("service-banner")).toBeNull();
    act(() => markDown("projections"));
    expect(screen.getByTestId("service-banner").textContent).toContain("reporting service");
    act(() => markUp("projections"));
    expect(screen.queryByTestId("service-banner")).toBeNull();
  });
});
