// The cell editor, loaded on the first Edit (scripts/runner/page.ts imports it): CodeMirror 6
// with TypeScript highlighting, the book's 2-space indent, Shift+Enter to run.
import {
  defaultKeymap,
  history,
  historyKeymap,
  indentWithTab,
} from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import {
  bracketMatching,
  defaultHighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers } from "@codemirror/view";

export interface CellEditor {
  readonly value: string;
  focus(): void;
}

export function createEditor(
  parent: HTMLElement,
  doc: string,
  onChange: (value: string) => void,
  onRun: () => void,
): CellEditor {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of("  "),
        syntaxHighlighting(defaultHighlightStyle),
        javascript({ typescript: true }),
        keymap.of([
          { key: "Shift-Enter", run: () => (onRun(), true) },
          ...defaultKeymap,
          ...historyKeymap,
          indentWithTab,
        ]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onChange(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    get value() {
      return view.state.doc.toString();
    },
    focus: () => view.focus(),
  };
}
