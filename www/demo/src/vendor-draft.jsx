// Draft.js (draft-js 0.11.7, MIT) on React 16: window.draftState[id]() is the editor's own EditorState.
import React from "react";
import ReactDOM from "react-dom";
import { Editor, EditorState, ContentState } from "draft-js";
class Box extends React.Component {
  constructor(p) { super(p); this.state = { es: EditorState.createWithContent(ContentState.createFromText(p.lines.join("\n"))) }; window.draftState = window.draftState || {}; window.draftState[p.id] = () => this.state.es; }
  render() {
    return React.createElement(Editor, { editorState: this.state.es, placeholder: this.props.placeholder, ariaLabel: this.props.placeholder,
      onChange: (es) => { this.setState({ es }); this.props.onText(es.getCurrentContent().getBlocksAsArray().map((b) => b.getText())); } });
  }
}
window.mountDraft = (el, id, placeholder, lines, onText) => ReactDOM.render(React.createElement(Box, { id, placeholder, lines, onText }), el);
