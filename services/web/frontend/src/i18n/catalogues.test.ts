import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import zh from "./zh.json";

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else leaves(value, path).forEach((v, k) => out.set(k, v));
  }
  return out;
}

const variables = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

const SRC = join(__dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const catalogue = leaves(en as Tree);

describe("the catalogues", () => {
  it("have the same keys in English and Chinese, none empty, the same placeholders", () => {
    const chinese = leaves(zh as Tree);
    expect([...chinese.keys()].sort()).toEqual([...catalogue.keys()].sort());
    for (const [key, text] of catalogue) {
      expect(text.trim(), key).not.toBe("");
      expect(chinese.get(key)!.trim(), key).not.toBe("");
      expect(variables(chinese.get(key)!), key).toEqual(variables(text));
    }
  });

  it("hold every key the code asks for", () => {
    const prefixes = new Set<string>();
    for (const file of sources(SRC)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\(\s*"([\w.]+)"/g)) {
        expect(catalogue.has(match[1]!), `${file}: ${match[1]}`).toBe(true);
      }
      for (const match of text.matchAll(/\bt\(\s*`([\w.]+)\.\$\{/g)) prefixes.add(match[1]!);
    }
    for (const prefix of prefixes) {
      expect([...catalogue.keys()].some((k) => k.startsWith(`${prefix}.`)), prefix).toBe(true);
    }
  });

  it("are the only source of visible words: no letters in JSX text or labelling attributes", () => {
    const offenders: string[] = [];
    const labelling = new Set(["aria-label", "title", "placeholder", "alt", "label"]);
    for (const file of sources(SRC).filter((f) => f.endsWith(".tsx"))) {
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      const visit = (node: ts.Node) => {
        if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) offenders.push(`${file}: ${node.text.trim()}`);
        if (
          ts.isJsxAttribute(node) &&
          labelling.has(node.name.getText()) &&
          node.initializer &&
          ts.isStringLiteral(node.initializer) &&
          /\p{L}/u.test(node.initializer.text)
        ) {
          offenders.push(`${file}: ${node.name.getText()}="${node.initializer.text}"`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(offenders).toEqual([]);
  });
});
