// Mini Apps as Telegram opens them: a panel over the chat with the page in a frame, its URL's
// hash carrying initData the sandbox signed for this person, and Telegram's theme colours.

import { $, api, state, t } from "./common.js";

const dark = window.matchMedia("(prefers-color-scheme: dark)");

// Open `url` (a web_app button's or the menu button's) for the person of `chat`.
export async function openMiniApp(chat, url, theme = dark.matches ? "dark" : "light") {
  const launch = await chat.act(() => api(`/sandbox/app/chats/${chat.id}/webapp`, { json: { url, theme } }));
  if (!launch) return;
  closeMiniApp(chat);
  const panel = document.createElement("div");
  panel.className = `miniapp ${theme}`;
  panel.dataset.theme = theme;
  const head = document.createElement("div");
  head.className = "miniapp-head";
  const close = button("miniapp-close", "✕", t("close"), () => closeMiniApp(chat));
  const title = document.createElement("span");
  title.className = "miniapp-title";
  title.textContent = state.info.bot.name;
  const other = theme === "dark" ? "light" : "dark";
  const flip = button("miniapp-theme", theme === "dark" ? "☀" : "☾", t("theme"), () => openMiniApp(chat, url, other));
  head.append(close, title, flip);
  const frame = document.createElement("iframe");
  frame.className = "miniapp-frame";
  frame.title = state.info.bot.name;
  frame.src = launch.url;
  panel.append(head, frame);
  chat.root.append(panel);
  chat.miniapp = { panel, frame };
}

export function closeMiniApp(chat) {
  chat.miniapp?.panel.remove();
  chat.miniapp = null;
}

function button(className, text, label, onclick) {
  const el = document.createElement("button");
  el.type = "button";
  el.className = `icon ${className}`;
  el.textContent = text;
  el.setAttribute("aria-label", label);
  el.addEventListener("click", onclick);
  return el;
}

// What a Mini App asks of Telegram (web_app_close …) arrives as a message from its frame.
window.addEventListener("message", (event) => {
  let data;
  try { data = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch { return; }
  if (!data || data.eventType !== "web_app_close") return;
  for (const chat of state.chats.values()) {
    if (chat.miniapp && chat.miniapp.frame.contentWindow === event.source) closeMiniApp(chat);
  }
});
