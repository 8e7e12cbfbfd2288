// The only file that touches chrome.* / browser.*: everything else takes a
// Platform, so unit tests can pass a stub and Firefox gets its promise API.

import type { Envelope, ToBackground, ToContent, Reply } from "./protocol";

type Api = typeof chrome;

function api(): Api {
  const g = globalThis as unknown as { browser?: Api; chrome?: Api };
  const a = g.browser ?? g.chrome;
  if (!a) throw new Error("medcode: no extension API in this context");
  return a;
}

export interface Platform {
  getURL(path: string): string;
  /** content/ui -> background; rejects with the background's error message */
  request<T extends ToBackground>(msg: T): Promise<Reply<T["type"]>>;
  /** background: serve requests */
  onRequest(handler: (msg: unknown, sender: chrome.runtime.MessageSender) => Promise<unknown> | undefined): void;
  /** content: receive background -> content messages */
  onContentMessage(handler: (msg: ToContent) => unknown): void;
  storageGet<T>(key: string): Promise<T | undefined>;
  storageSet(items: Record<string, unknown>): Promise<void>;
  onStorageChanged(handler: (changes: Record<string, { newValue?: unknown }>) => void): void;
}

export function platform(): Platform {
  const a = api();
  const rpc = new PortRpc(a);
  return {
    getURL: (p) => a.runtime.getURL(p),
    async request(msg) {
      // A worker that was just killed may not be listening yet: retry briefly.
      let lastError: unknown;
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          // first over the long-lived port (one IPC hop each way), then as one-off messages
          const env = (attempt === 0 ? await rpc.send(msg) : await a.runtime.sendMessage(msg)) as Envelope<never> | undefined;
          if (!env) throw new Error("no reply from the medcode background");
          if (!env.ok) throw new BackgroundError(env.error);
          return env.value;
        } catch (e) {
          if (e instanceof BackgroundError) throw e;
          lastError = e;
          if (!isTransient(e)) break;
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
        }
      }
      throw lastError instanceof Error ? lastError : new Error(String(lastError));
    },
    onRequest(handler) {
      servePorts(a, handler);
      a.runtime.onMessage.addListener((msg, sender, sendResponse) => {
        const p = handler(msg, sender);
        if (!p) return false;
        p.then(
          (value) => sendResponse({ ok: true, value }),
          (err: unknown) => sendResponse({ ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        return true; // keep the channel open for the async reply
      });
    },
    onContentMessage(handler) {
      a.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
        const r = handler(msg as ToContent);
        if (r instanceof Promise) {
          // an answer that needs the page's scripts to run first (insertCode): keep the channel open
          r.then((v) => sendResponse(v), () => sendResponse(undefined));
          return true;
        }
        if (r !== undefined) sendResponse(r);
        return false;
      });
    },
    async storageGet<T>(key: string) {
      const got = await a.storage.local.get(key);
      return got[key] as T | undefined;
    },
    async storageSet(items) {
      await a.storage.local.set(items);
    },
    onStorageChanged(handler) {
      a.storage.onChanged.addListener((changes, area) => {
        if (area === "local") handler(changes);
      });
    },
  };
}

export class BackgroundError extends Error {}

// ---- requests over a long-lived port ------------------------------------------
// runtime.sendMessage opens and closes a channel per message; a port pays that
// once, so a keystroke's search costs one hop each way. The port carries no
// state: the worker may die at any time (the port then disconnects and the
// request is retried as a message), and an idle port is closed so it never
// holds anything open.

const RPC_PORT = "medcode-rpc";
const RPC_IDLE_MS = 20_000;
interface RpcRequest { id: number; msg: unknown }
/** `took`: the background's own handling time (ms), so a round trip splits into worker and transit */
interface RpcReply { id: number; env: Envelope<unknown>; took?: number }

/** The background's handling time of the last reply that came over the port (ms; -1: none or unknown). */
export const rpcTiming = { workerMs: -1 };
type Waiter = { resolve(env: Envelope<unknown>): void; reject(e: Error): void };

class PortRpc {
  private port: chrome.runtime.Port | null = null;
  private waiting = new Map<number, Waiter>();
  private nextId = 0;
  private idle: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly a: Api) {}

  send(msg: unknown): Promise<Envelope<unknown>> {
    return new Promise((resolve, reject) => {
      let port: chrome.runtime.Port;
      try {
        port = this.port ?? this.open();
        const id = ++this.nextId;
        this.waiting.set(id, { resolve, reject });
        port.postMessage({ id, msg } satisfies RpcRequest);
      } catch (e) {
        this.close();
        reject(new Error(`message port closed: ${e instanceof Error ? e.message : String(e)}`));
        return;
      }
      if (this.idle) clearTimeout(this.idle);
      this.idle = setTimeout(() => { if (!this.waiting.size) this.close(); }, RPC_IDLE_MS);
    });
  }

  private open(): chrome.runtime.Port {
    const port = this.a.runtime.connect({ name: RPC_PORT });
    const waiting = (this.waiting = new Map());
    port.onMessage.addListener((m: RpcReply) => {
      const w = waiting.get(m?.id);
      if (!w) return;
      waiting.delete(m.id);
      rpcTiming.workerMs = typeof m.took === "number" ? m.took : -1;
      w.resolve(m.env);
    });
    port.onDisconnect.addListener(() => {
      const why = this.a.runtime.lastError?.message ?? "";
      if (this.port === port) this.port = null;
      for (const w of waiting.values()) w.reject(new Error(`message port closed ${why}`.trim()));
      waiting.clear();
    });
    this.port = port;
    return port;
  }

  private close(): void {
    const port = this.port;
    this.port = null;
    for (const w of this.waiting.values()) w.reject(new Error("message port closed"));
    this.waiting = new Map();
    try {
      port?.disconnect();
    } catch {
      /* already gone */
    }
  }
}

/** Background: answers requests that arrive over RPC ports, like onMessage does. */
function servePorts(a: Api, handler: (msg: unknown, sender: chrome.runtime.MessageSender) => Promise<unknown> | undefined): void {
  a.runtime.onConnect.addListener((port) => {
    if (port.name !== RPC_PORT) return;
    const post = (reply: RpcReply) => {
      try {
        port.postMessage(reply);
      } catch {
        /* the asker went away */
      }
    };
    port.onMessage.addListener((m: RpcRequest) => {
      if (typeof m !== "object" || m === null || typeof m.id !== "number") return;
      const t0 = performance.now();
      const took = () => Math.round((performance.now() - t0) * 100) / 100;
      const p = handler(m.msg, port.sender ?? {});
      if (!p) return post({ id: m.id, env: { ok: false, error: "not a medcode request" } });
      p.then(
        (value) => post({ id: m.id, env: { ok: true, value }, took: took() }),
        (err: unknown) => post({ id: m.id, env: { ok: false, error: err instanceof Error ? err.message : String(err) }, took: took() }),
      );
    });
  });
}

function isTransient(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /Receiving end does not exist|message port closed|Could not establish connection|no reply/i.test(m);
}

/** The raw API for the background and extension pages (permissions, scripting, ...). */
export function rawApi(): Api {
  return api();
}

// ---- background-only surface ------------------------------------------------

export const CONTENT_SCRIPT_ID = "medcode-content";

export interface BackgroundPlatform extends Platform {
  /** admin policy (chrome.storage.managed / Firefox policies.json "3rdparty"), {} when none */
  managed(): Promise<{ sites?: string[] }>;
  /** origins (match patterns) the user granted through optional host permissions */
  grantedOrigins(): Promise<string[]>;
  /** make the registered content script match exactly `patterns` */
  registerContent(patterns: string[]): Promise<void>;
  /** inject into tabs already open on `patterns` (registration only affects new loads) */
  injectIntoOpenTabs(patterns: string[]): Promise<void>;
  sendToTab(tabId: number, msg: ToContent, frameId?: number): Promise<unknown>;
  activeTabId(): Promise<number | undefined>;
  openPopup(): Promise<void>;
  onCommand(handler: (command: string) => void): void;
  onPermissionsChanged(handler: () => void): void;
  onStartup(handler: () => void): void;
  setMenus(items: { id: string; title: string; parentId?: string }[]): Promise<void>;
  onMenuClick(handler: (itemId: string, tabId: number | undefined, frameId: number | undefined) => void): void;
}

export function backgroundPlatform(): BackgroundPlatform {
  const a = api();
  const base = platform();
  return {
    ...base,
    async managed() {
      try {
        return (await a.storage.managed.get(null)) as { sites?: string[] };
      } catch {
        return {}; // no policy, or managed storage unsupported here
      }
    },
    async grantedOrigins() {
      const all = await a.permissions.getAll();
      return all.origins ?? [];
    },
    async registerContent(patterns) {
      const existing = await a.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] });
      if (existing.length) await a.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
      if (!patterns.length) return;
      const script: chrome.scripting.RegisteredContentScript = {
        id: CONTENT_SCRIPT_ID, js: ["content.js"], matches: patterns, allFrames: true,
        runAt: "document_idle", persistAcrossSessions: true,
      };
      // about:blank / srcdoc / data: frames: matchOriginAsFallback (Chrome 119+,
      // Firefox 128+) or matchAboutBlank (older Firefox). Try the richest first.
      const variants: Record<string, unknown>[] = [
        { ...script, matchOriginAsFallback: true },
        { ...script, matchAboutBlank: true },
        { ...script },
      ];
      let lastError: unknown;
      for (const v of variants) {
        try {
          await a.scripting.registerContentScripts([v as chrome.scripting.RegisteredContentScript]);
          return;
        } catch (e) {
          lastError = e;
        }
      }
      throw lastError;
    },
    async injectIntoOpenTabs(patterns) {
      if (!patterns.length) return;
      const tabs = await a.tabs.query({ url: patterns });
      await Promise.all(tabs.map((t) => t.id === undefined ? undefined
        : a.scripting.executeScript({ target: { tabId: t.id, allFrames: true }, files: ["content.js"] }).catch(() => undefined)));
    },
    async sendToTab(tabId, msg, frameId) {
      return frameId === undefined ? a.tabs.sendMessage(tabId, msg) : a.tabs.sendMessage(tabId, msg, { frameId });
    },
    async activeTabId() {
      const [t] = await a.tabs.query({ active: true, lastFocusedWindow: true });
      return t?.id;
    },
    async openPopup() {
      const action = a.action as typeof a.action & { openPopup?: () => Promise<void> };
      if (action.openPopup) await action.openPopup();
    },
    onCommand(handler) {
      a.commands.onCommand.addListener((c) => handler(c));
    },
    onPermissionsChanged(handler) {
      a.permissions.onAdded.addListener(() => handler());
      a.permissions.onRemoved.addListener(() => handler());
    },
    onStartup(handler) {
      a.runtime.onInstalled.addListener(() => handler());
      a.runtime.onStartup.addListener(() => handler());
    },
    async setMenus(items) {
      await a.contextMenus.removeAll();
      for (const it of items) {
        a.contextMenus.create({ id: it.id, title: it.title, contexts: ["editable"], ...(it.parentId ? { parentId: it.parentId } : {}) },
          () => void a.runtime.lastError);
      }
    },
    onMenuClick(handler) {
      a.contextMenus.onClicked.addListener((info, tab) => handler(String(info.menuItemId), tab?.id, info.frameId));
    },
  };
}

// ---- content-only surface -----------------------------------------------------

/** The shadow root of `el`, open or closed (chrome.dom in Chrome, openOrClosedShadowRoot in Firefox). */
export function anyShadowRoot(el: Element): ShadowRoot | null {
  if (el.shadowRoot) return el.shadowRoot;
  const ff = (el as Element & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot;
  if (ff) return ff;
  const g = globalThis as unknown as { chrome?: { dom?: { openOrClosedShadowRoot?: (e: HTMLElement) => ShadowRoot | null } } };
  const f = g.chrome?.dom?.openOrClosedShadowRoot;
  if (f && el instanceof HTMLElement) {
    try {
      return f(el);
    } catch {
      return null;
    }
  }
  return null;
}

// ---- extension pages (popup, side panel, options) ------------------------------

export interface UiPlatform extends Platform {
  /** asks for an optional host permission (must run in a click handler) */
  requestOrigin(pattern: string): Promise<boolean>;
  removeOrigin(pattern: string): Promise<boolean>;
  activeTabUrl(): Promise<string | undefined>;
  shortcuts(): Promise<{ name: string; shortcut: string; description: string }[]>;
  /** Firefox can change a shortcut from the extension; Chrome sends the user to its shortcuts page */
  setShortcut(name: string, shortcut: string): Promise<boolean>;
  openShortcutSettings(): Promise<void>;
  openOptions(): Promise<void>;
  /** popup/side panel -> the content script of the active tab (or `tabId`); undefined when no frame answered */
  sendToPage(msg: ToContent, tabId?: number): Promise<unknown>;
  isFirefox: boolean;
}

export function uiPlatform(): UiPlatform {
  const a = api();
  const base = platform();
  const isFirefox = typeof (globalThis as { browser?: unknown }).browser !== "undefined"
    && a.runtime.getURL("").startsWith("moz-extension:");
  return {
    ...base,
    isFirefox,
    requestOrigin: (pattern) => a.permissions.request({ origins: [pattern] }),
    removeOrigin: (pattern) => a.permissions.remove({ origins: [pattern] }),
    async activeTabUrl() {
      const [t] = await a.tabs.query({ active: true, lastFocusedWindow: true });
      return t?.url;
    },
    async shortcuts() {
      const all = await a.commands.getAll();
      return all.map((c) => ({ name: c.name ?? "", shortcut: c.shortcut ?? "", description: c.description ?? "" }));
    },
    async setShortcut(name, shortcut) {
      const cmds = a.commands as typeof a.commands & { update?: (d: { name: string; shortcut: string }) => Promise<void> };
      if (!cmds.update) return false;
      await cmds.update({ name, shortcut });
      return true;
    },
    async openShortcutSettings() {
      await a.tabs.create({ url: "chrome://extensions/shortcuts" });
    },
    async openOptions() {
      await a.runtime.openOptionsPage();
    },
    async sendToPage(msg, tabId) {
      const id = tabId ?? (await a.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id;
      if (id === undefined) return undefined;
      try {
        return await a.tabs.sendMessage(id, msg);
      } catch {
        return undefined; // no content script there, or no frame answered
      }
    },
  };
}
