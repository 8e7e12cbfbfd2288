// Slate (slate, slate-react, MIT) on React 18: the page's Assessment editor. window.slateEditor is the editor (its model).
import React, { useMemo } from "react";
import { createRoot } from "react-dom/client";
import { createEditor, Node } from "slate";
import { Slate, Editable, withReact } from "slate-react";
function App({ id, placeholder, initial, onText }) {
  const editor = useMemo(() => withReact(createEditor()), []);
  window.slateEditors = window.slateEditors || {};
  window.slateEditors[id] = editor;
  return React.createElement(Slate, { editor, initialValue: initial, onChange: () => onText(editor.children.map((n) => Node.string(n))) },
    React.createElement(Editable, { id, placeholder, "aria-label": placeholder }));
}
window.mountSlate = (el, id, placeholder, lines, onText) => {
  const initial = lines.map((t) => ({ type: "paragraph", children: [{ text: t }] }));
  createRoot(el).render(React.createElement(App, { id, placeholder, initial, onText }));
};
