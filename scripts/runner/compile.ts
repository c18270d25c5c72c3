// A notebook cell as the browser runs it: TypeScript types stripped by Sucrase, then the
// top-level statements rewritten (with acorn's positions) so that a cell behaves as in tslab:
// its declarations outlive it and a later cell may declare them again, `await` works at the
// top, imports go through the runtime, and the value of a last expression is returned.
import { parse } from "acorn";
import type {
  ClassDeclaration,
  Expression,
  FunctionDeclaration,
  ImportDeclaration,
  Node,
  Pattern,
  Program,
  Statement,
  VariableDeclaration,
} from "acorn";
import { simple } from "acorn-walk";
import { transform } from "sucrase";

/** A cell that does not compile: the message names the line and column. */
export class CompileError extends Error {
  override name = "CompileError";
}

/** What the runtime evaluates: a script whose global `var`s hold the cell's names. */
export interface CompiledCell {
  /** A classic script; evaluating it returns a Promise of the last expression's value. */
  readonly script: string;
  /** The top-level names the cell declares (they become globals). */
  readonly names: readonly string[];
  /** The modules the cell imports, in order. */
  readonly imports: readonly string[];
}

/** The name the runtime is reachable by inside a cell's script. */
export const RUNTIME = "__microgptRunner";

/** Types out, everything else kept as written (class fields stay native, as in tsc's ES2022). */
function stripTypes(source: string): string {
  try {
    return transform(source, {
      transforms: ["typescript"],
      disableESTransforms: true,
      keepUnusedImports: true,
    }).code;
  } catch (e) {
    throw new CompileError((e as Error).message);
  }
}

function parseModule(code: string): Program {
  try {
    return parse(code, {
      ecmaVersion: "latest",
      sourceType: "module",
      allowAwaitOutsideFunction: true,
    });
  } catch (e) {
    throw new CompileError((e as Error).message);
  }
}

/** Every name a binding pattern declares. */
function patternNames(p: Pattern, into: string[]): void {
  switch (p.type) {
    case "Identifier":
      into.push(p.name);
      break;
    case "ObjectPattern":
      for (const prop of p.properties)
        patternNames(prop.type === "RestElement" ? prop : prop.value, into);
      break;
    case "ArrayPattern":
      for (const el of p.elements) if (el) patternNames(el, into);
      break;
    case "RestElement":
      patternNames(p.argument, into);
      break;
    case "AssignmentPattern":
      patternNames(p.left, into);
      break;
    default:
      break;
  }
}

/** `import` as a call to the runtime, assigning the cell-wide names. */
function rewriteImport(s: ImportDeclaration, names: string[]): string {
  const from = JSON.stringify(s.source.value);
  const mod = `${RUNTIME}.require(${from})`;
  const parts: string[] = [];
  for (const spec of s.specifiers) {
    names.push(spec.local.name);
    if (spec.type === "ImportNamespaceSpecifier")
      parts.push(`${spec.local.name} = ${mod};`);
    else if (spec.type === "ImportDefaultSpecifier")
      parts.push(`${spec.local.name} = ${RUNTIME}.importDefault(${mod});`);
    else {
      const imported =
        spec.imported.type === "Identifier"
          ? spec.imported.name
          : String(spec.imported.value);
      parts.push(
        `${spec.local.name} = ${RUNTIME}.importNamed(${mod}, ${from}, ${JSON.stringify(imported)});`,
      );
    }
  }
  return parts.length > 0 ? parts.join(" ") : `${mod};`;
}

function rewriteVariables(
  code: string,
  s: VariableDeclaration,
  names: string[],
): string {
  const parts = s.declarations.map((d) => {
    patternNames(d.id, names);
    const target = code.slice(d.id.start, d.id.end);
    const value = d.init ? code.slice(d.init.start, d.init.end) : "undefined";
    // Parenthesised so that an object pattern is not read as a block.
    return d.id.type === "Identifier"
      ? `${target} = ${value};`
      : `(${target} = ${value});`;
  });
  return parts.join(" ");
}

/** import(name) anywhere, through the runtime: it knows what the page can load. */
function routeDynamicImports(code: string): string {
  const starts: number[] = [];
  simple(parseModule(code), {
    ImportExpression(node) {
      starts.push(node.start);
    },
  });
  let out = code;
  for (const at of starts.sort((a, b) => b - a))
    out =
      out.slice(0, at) +
      `${RUNTIME}.dynamicImport` +
      out.slice(at + "import".length);
  return out;
}

type Declared = FunctionDeclaration | ClassDeclaration;

function declaredName(s: Declared): string {
  if (!s.id) throw new CompileError("a declaration needs a name");
  return s.id.name;
}

/** Compiles one cell (TypeScript) into a script for the runtime. */
export function compileCell(source: string): CompiledCell {
  const code = routeDynamicImports(stripTypes(source));
  const program = parseModule(code);
  const names: string[] = [];
  const imports: string[] = [];
  const hoisted: string[] = [];
  const edits: { start: number; end: number; text: string }[] = [];
  const body = program.body as (Statement | Node)[];
  const last = body[body.length - 1];
  for (const s of body) {
    switch (s.type) {
      case "ImportDeclaration": {
        const imp = s as ImportDeclaration;
        imports.push(String(imp.source.value));
        edits.push({ ...imp, text: rewriteImport(imp, names) });
        break;
      }
      case "VariableDeclaration": {
        const v = s as VariableDeclaration;
        edits.push({ ...v, text: rewriteVariables(code, v, names) });
        break;
      }
      case "FunctionDeclaration": {
        // Left in place (hoisted inside the cell, lines unchanged) and
        // published as the cell starts, so that it is callable from anywhere.
        const name = declaredName(s as FunctionDeclaration);
        names.push(name);
        hoisted.push(`${RUNTIME}.global.${name} = ${name};`);
        break;
      }
      case "ClassDeclaration": {
        const c = s as ClassDeclaration;
        const name = declaredName(c);
        names.push(name);
        edits.push({ ...c, text: `${name} = ${code.slice(c.start, c.end)};` });
        break;
      }
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        throw new CompileError(
          "a cell cannot export (write its declarations without `export`)",
        );
      case "ExpressionStatement":
        if (s === last) {
          const e = (s as Statement & { expression: Expression }).expression;
          edits.push({
            start: s.start,
            end: s.end,
            text: `return (${code.slice(e.start, e.end)});`,
          });
        }
        break;
      default:
        break;
    }
  }
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += code.slice(at, e.start) + e.text;
    at = e.end;
  }
  out += code.slice(at);
  const unique = [...new Set(names)];
  const decl = unique.length > 0 ? `var ${unique.join(", ")}; ` : "";
  // One line of prelude before the cell's first: an error's line is the cell's.
  const script =
    `${decl}(async function () { "use strict"; ${hoisted.join(" ")} ` +
    `${out}\n})()`;
  return { script, names: unique, imports };
}
