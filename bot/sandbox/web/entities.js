// Telegram formatting drawn from message entities, as a Telegram client draws it: DOM nodes
// built from the plain text and the entity list, never the bot's HTML.

const SAFE_SCHEMES = /^(https?:|tg:|mailto:|tel:)/i;
const AUTO_LINKS = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)。，；：！？）])|((?<![\w/@])\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))/g;

// Telegram counts entity offsets in UTF-16 code units, which is how JavaScript indexes strings.
export function renderText(text, entities, chat) {
  const fragment = document.createDocumentFragment();
  const list = (entities || [])
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .map((e) => ({ ...e, end: e.offset + e.length }))
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(fragment, text, 0, text.length, list, chat, true);
  return fragment;
}

function build(parent, text, start, end, list, chat, linkify) {
  let pos = start;
  let i = 0;
  while (i < list.length) {
    const entity = list[i];
    const inner = [];
    let j = i + 1;
    while (j < list.length && list[j].offset < entity.end) {
      inner.push({ ...list[j], end: Math.min(list[j].end, entity.end) });
      j += 1;
    }
    plain(parent, text.slice(pos, Math.max(pos, entity.offset)), chat, linkify);
    const [outer, holder, keepLinking] = element(entity, text, chat);
    build(holder, text, entity.offset, entity.end, inner, chat, linkify && keepLinking);
    parent.append(outer);
    pos = Math.max(pos, entity.end);
    i = j;
  }
  plain(parent, text.slice(pos, end), chat, linkify);
}

// Telegram's servers mark URLs and /commands in plain text; the emulator leaves that to the client.
function plain(parent, text, chat, linkify) {
  if (!text) return;
  if (!linkify) {
    parent.append(text);
    return;
  }
  let last = 0;
  for (const match of text.matchAll(AUTO_LINKS)) {
    parent.append(text.slice(last, match.index));
    parent.append(match[1] ? link(match[1], match[1], chat) : command(match[2], chat));
    last = match.index + match[0].length;
  }
  parent.append(text.slice(last));
}

function command(text, chat) {
  const span = document.createElement("span");
  span.className = "link command";
  span.textContent = text;
  span.addEventListener("click", () => chat.send(text.split("@")[0]));
  return span;
}

function link(href, label, chat) {
  const a = document.createElement("a");
  const url = /^[a-z][a-z0-9+.-]*:/i.test(href) ? href : `http://${href}`;
  if (SAFE_SCHEMES.test(url)) a.href = url;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  if (label !== undefined) a.textContent = label;
  a.addEventListener("click", (event) => {
    if (chat.openDeepLink(url)) event.preventDefault();
  });
  return a;
}

function element(entity, text, chat) {
  const make = (tag, cls) => {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    return el;
  };
  const simple = { bold: "strong", italic: "em", underline: "u", strikethrough: "s" }[entity.type];
  if (simple) {
    const el = make(simple);
    return [el, el, true];
  }
  switch (entity.type) {
    case "spoiler": {
      const el = make("span", "spoiler");
      el.addEventListener("click", () => el.classList.add("revealed"));
      return [el, el, true];
    }
    case "code": {
      const el = make("code");
      return [el, el, false];
    }
    case "pre": {
      const pre = make("pre");
      const code = make("code");
      if (entity.language) pre.dataset.language = entity.language;
      pre.append(code);
      return [pre, code, false];
    }
    case "blockquote":
    case "expandable_blockquote": {
      const el = make("blockquote", entity.type === "expandable_blockquote" ? "expandable" : "");
      if (entity.type === "expandable_blockquote") el.addEventListener("click", () => el.classList.add("expanded"));
      return [el, el, true];
    }
    case "text_link": {
      const a = link(entity.url || "", undefined, chat);
      return [a, a, false];
    }
    case "url": {
      const a = link(text.slice(entity.offset, entity.end), undefined, chat);
      return [a, a, false];
    }
    case "email": {
      const a = link(`mailto:${text.slice(entity.offset, entity.end)}`, undefined, chat);
      return [a, a, false];
    }
    case "phone_number": {
      const a = link(`tel:${text.slice(entity.offset, entity.end)}`, undefined, chat);
      return [a, a, false];
    }
    case "bot_command": {
      const el = command(text.slice(entity.offset, entity.end), chat);
      el.textContent = "";
      return [el, el, false];
    }
    case "mention":
    case "hashtag":
    case "cashtag":
    case "text_mention": {
      const el = make("span", "link");
      return [el, el, false];
    }
    default: {
      const el = make("span");
      return [el, el, true];
    }
  }
}
