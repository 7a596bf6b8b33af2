import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COLORS } from "./colors";

// WCAG 2 relative luminance and contrast ratio of two #rrggbb colours.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const css = ["index.css", "screens/grading.css"]
  .map((file) => readFileSync(join(__dirname, "..", file), "utf8"))
  .join("\n")
  .replace(/\/\*[\s\S]*?\*\//g, "");
const variables = new Map([...css.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
const resolve = (value: string) => {
  const name = /^var\(--([\w-]+)\)$/.exec(value.trim())?.[1];
  return (name ? variables.get(name) : value.trim())?.toLowerCase();
};

/** Every CSS rule that sets both a text colour and a background, with the two resolved. */
const pairs = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].flatMap(([, selector, body]) => {
  const color = /(?:^|[;\s])color:\s*([^;]+)/.exec(body!)?.[1];
  const background = /background:\s*([^;]+)/.exec(body!)?.[1];
  const fg = color && resolve(color);
  const bg = background && resolve(background);
  return fg?.startsWith("#") && bg?.startsWith("#") ? [{ selector: selector!.trim(), fg, bg }] : [];
});

describe("WCAG AA contrast of the app's colours", () => {
  it("finds the colour pairs to measure", () => {
    expect(pairs.length).toBeGreaterThan(15);
    expect(variables.get("text")).toBe("#1f1f1f");
  });

  it.each(pairs)("$selector: $fg on $bg is 4.5:1 or more", ({ fg, bg }) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(["text", "muted", "primary", "on-track", "at-risk", "off-track", "danger"])(
    "--%s reads at 4.5:1 or more on the page and on surfaces",
    (name) => {
      for (const bg of ["bg", "surface"]) {
        expect(contrast(variables.get(name)!, variables.get(bg)!)).toBeGreaterThanOrEqual(4.5);
      }
    },
  );

  it.each(Object.entries(COLORS))("chart colour %s (%s) reads at 4.5:1 or more on white", (_, hex) => {
    expect(contrast(hex, "#ffffff")).toBeGreaterThanOrEqual(4.5);
  });

  it("draws form controls' borders and the focus ring at 3:1 or more (non-text contrast)", () => {
    expect(contrast(variables.get("muted")!, variables.get("bg")!)).toBeGreaterThanOrEqual(3);
    expect(contrast(variables.get("focus")!, variables.get("surface")!)).toBeGreaterThanOrEqual(3);
  });

  it("fades no text with opacity (it would take text under the measured ratios)", () => {
    const faded = [...css.matchAll(/([^{}]+)\{([^{}]*opacity:\s*0?\.\d+[^{}]*)\}/g)]
      .map(([, selector]) => selector!.trim())
      .filter((selector) => !selector.includes(":disabled"));
    expect(faded).toEqual([]);
  });
});
