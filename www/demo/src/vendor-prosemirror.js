// ProseMirror (prosemirror-state/-view/-model/-schema-basic, MIT): window.pmViews[id].state.doc is the editor's own document.
import { EditorState } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { schema } from "prosemirror-schema-basic";
window.mountProseMirror = (el, id, lines, onText) => {
  const doc = schema.node("doc", null, lines.map((t) => schema.node("paragraph", null, t ? [schema.text(t)] : [])));
  const view = new EditorView(el, {
    state: EditorState.create({ doc, schema }),
    dispatchTransaction(tr) { view.updateState(view.state.apply(tr)); const out = []; view.state.doc.forEach((n) => out.push(n.textContent)); onText(out); },
  });
  window.pmViews = window.pmViews || {};
  window.pmViews[id] = view;
  return view;
};
