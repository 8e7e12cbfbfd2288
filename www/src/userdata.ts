// "Your data": the user's own files (licensed CPT descriptors, CMS NCCI
// practitioner PTP edits, CMS MUE tables) in the offline page. The engine in
// this page parses and checks a chosen file; an accepted set is kept in this
// page's IndexedDB (never sent, never synced) and attached at once, so
// search, lookup and the claim form use it. The steps are the extension's
// (web-shared/userdata-sets.ts); a refused file changes nothing.

import type { Loaded } from './engine';
import { errorMessage } from './engine';
import { byId, h } from './dom';
import {
  addUserData, attachStored, describeAdded, describeSet, listUserData, oversizeMessage, removeUserData, type UserDataEntry,
} from '../../web-shared/userdata-sets';

export class UserDataView {
  private loaded: Loaded | null = null;
  private readonly form = byId<HTMLFormElement>('data-form');
  private readonly kind = byId<HTMLSelectElement>('data-kind');
  private readonly file = byId<HTMLInputElement>('data-file');
  private readonly msg = byId('data-msg');
  private readonly list = byId<HTMLUListElement>('data-sets');

  /** `changed` runs after the attached data changed (search, lookup and the claim re-run). */
  constructor(private readonly changed: () => void) {
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.add();
    });
  }

  /** Attaches every stored set to the loaded engine, then lists them. */
  async attach(loaded: Loaded): Promise<void> {
    this.loaded = loaded;
    if (!loaded.parseUserData || typeof loaded.engine.attachUserData !== 'function') {
      this.say('This build of the engine cannot take added data.', 'error');
      return;
    }
    try {
      const n = await attachStored(loaded.engine);
      this.render((await listUserData()).sets);
      this.form.dataset.ready = '1';
      if (n) this.changed();
    } catch (e) {
      // No IndexedDB (a private window, a file:// page the browser keeps no storage for).
      this.say(`Your data cannot be kept in this browser: ${errorMessage(e)}`, 'error');
      this.render([]);
    }
  }

  private say(text: string, state: 'ok' | 'error' | 'busy' | ''): void {
    this.msg.textContent = text;
    if (state) this.msg.dataset.state = state;
    else delete this.msg.dataset.state;
  }

  private render(sets: UserDataEntry[]): void {
    this.list.replaceChildren(...(sets.length ? sets.map((d) => this.row(d)) : [h('li', { class: 'muted', text: 'No data added.' })]));
  }

  private row(d: UserDataEntry): HTMLLIElement {
    const s = d.summary;
    return h('li', { data: { id: d.id, kind: s.kind } },
      h('span', { text: describeSet(s) }),
      h('span', { class: 'muted', text: ` ${s.source}, added ${s.added} ` }),
      ...(d.note ? [h('span', { class: 'note', data: { note: 'stored' }, text: `(${d.note}) ` })] : []),
      h('button', {
        class: 'button small', text: 'Remove',
        attrs: { type: 'button', 'aria-label': `Remove ${s.label} (${s.source})` },
        on: { click: () => void this.remove(d.id) },
      }));
  }

  private async add(): Promise<void> {
    const loaded = this.loaded;
    const file = this.file.files?.[0];
    if (!file) return;
    if (!loaded?.parseUserData) {
      this.say('Not added — the code data is still loading.', 'error');
      return;
    }
    const tooBig = oversizeMessage(this.kind.value, file.name, file.size);
    if (tooBig) {
      this.say(`Not added — ${tooBig}. Nothing you had stored has changed.`, 'error');
      return;
    }
    this.say(`Checking ${file.name}…`, 'busy');
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const r = await addUserData(loaded.engine, loaded.parseUserData, this.kind.value, file.name, bytes);
      this.render(r.sets);
      if (r.error || !r.added) {
        this.say(`Not added — ${r.error ?? 'unknown error'}. Nothing you had stored has changed.`, 'error');
        return;
      }
      this.say(r.notice ? `${describeAdded(r.added.summary)} ${r.notice}` : describeAdded(r.added.summary), 'ok');
      this.file.value = '';
      this.changed();
    } catch (e) {
      this.say(`Not added — ${errorMessage(e)}. Nothing you had stored has changed.`, 'error');
    }
  }

  private async remove(id: string): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    try {
      const r = await removeUserData(loaded.engine, id);
      this.render(r.sets);
      this.say(r.error ? `Not removed — ${r.error}` : `Removed ${id}.`, r.error ? 'error' : '');
      if (!r.error) this.changed();
    } catch (e) {
      this.say(`Not removed — ${errorMessage(e)}`, 'error');
    }
  }
}
