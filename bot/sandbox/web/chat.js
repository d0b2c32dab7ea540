// One person's chat: messages, keyboards, menus and what the person does in it.

import { $, api, ask, clock, fileUrl, fillRoles, paintAvatar, sizeText, state, t, translate } from "./common.js";
import { renderText } from "./entities.js";
import { openMiniApp } from "./miniapp.js";

const PINNED_GAP = 8; // px above a long new message shown from its top
const POPUP_GAP = 4; // px between a popup and the input field

export class Chat {
  // `hooks` lets the page follow the chat: focus(id), close(id), replay(event).
  constructor(person, hooks) {
    this.person = person;
    this.hooks = hooks;
    this.id = person.id;
    this.root = $("#chat-template").content.firstElementChild.cloneNode(true);
    this.root.dataset.personId = String(person.id);
    this.messages = $(".messages", this.root);
    this.input = $(".input", this.root);
    this.commands = [];
    this.menuButton = { type: "commands" };
    this.miniapp = null;
    this.keyboard = [];
    this.keyboardShown = true;
    this.uploadKind = "document";
    this.state = "new"; // new → loading → ready; events met while loading wait in `queued`
    this.queued = [];
    this.stuck = true; // following the newest message; false once the person scrolls up
    this.pinned = null; // a new message taller than the list: its top is kept in view
    this.placed = 0; // where the list was last scrolled to, to tell the person's own scrolling
    this.wire();
    this.follow();
    this.describe(person);
    translate(this.root);
  }

  wire() {
    const root = this.root;
    $(".composer", root).addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener("input", () => this.grow());
    $(".start-button", root).addEventListener("click", () => this.send("/start"));
    $(".menu-button", root).addEventListener("click", () => {
      if (this.menuButton.type === "web_app") openMiniApp(this, this.menuButton.web_app.url);
      else this.toggle(".commands-popup");
    });
    $(".attach", root).addEventListener("click", () => this.toggle(".attach-popup"));
    $(".keyboard-toggle", root).addEventListener("click", () => {
      this.keyboardShown = !this.keyboardShown;
      this.drawKeyboard();
    });
    for (const button of root.querySelectorAll(".attach-popup button")) {
      button.addEventListener("click", () => this.pick(button.dataset.kind));
    }
    $(".file-input", root).addEventListener("change", (event) => this.upload(event.target));
    $(".owner-role", root).addEventListener("change", (event) => this.changeRole(event.target.value));
    $(".close", root).addEventListener("click", () => this.hooks.close(this.id));
    root.addEventListener("click", (event) => {
      if (!event.target.closest(".popup, .menu-button, .attach")) this.closePopups();
    });
    root.addEventListener("focusin", () => this.hooks.focus(this.id));
  }

  // Stay at the newest message while anything changes the height of what is shown: a reply
  // keyboard appearing shrinks the list, a photo that loads grows it. Only the person
  // scrolling up stops the following, and scrolling back down resumes it. (A scroll event can
  // arrive after the list has shrunk, far from the bottom without anyone scrolling: only a
  // move upwards counts.) A new message taller than the list is shown from its beginning,
  // as one reads it, until the person scrolls on.
  follow() {
    let last = 0;
    this.messages.addEventListener("scroll", () => {
      const top = this.messages.scrollTop;
      if (Math.abs(top - this.placed) > 1) this.pinned = null;
      if (top < last - 1) this.stuck = this.nearBottom();
      else if (this.nearBottom()) this.stuck = true;
      last = top;
    });
    const keep = () => this.stuck && this.scrollDown();
    new ResizeObserver(keep).observe(this.messages);
    this.messages.addEventListener("load", keep, true); // images; load does not bubble
  }

  describe(person) {
    this.person = person;
    const root = this.root;
    paintAvatar($(".owner-avatar", root), person.name, person.id);
    $(".owner-name", root).textContent = person.name;
    $(".owner-username", root).textContent = person.username ? `@${person.username}` : "";
    $(".owner-lang", root).textContent = (person.locale || person.lang) === "en" ? "English" : "中文";
    const select = $(".owner-role", root);
    fillRoles(select, person.role);
    const bot = state.info.bot;
    paintAvatar($(".bot-avatar", root), bot.name, 1);
    $(".bot-name", root).textContent = bot.name;
    this.status(t("bot"));
    this.input.placeholder = t("message");
  }

  status(text, typing = false) {
    const el = $(".bot-status", this.root);
    el.textContent = text;
    el.classList.toggle("typing", typing);
  }

  async load() {
    this.state = "loading";
    const chat = await api(`/sandbox/app/chats/${this.id}`);
    this.describe(chat.person);
    this.messages.replaceChildren();
    for (const message of chat.messages) this.upsert(message);
    this.setKeyboard(chat.keyboard);
    this.setCommands(chat.commands);
    this.setMenuButton(chat.menu_button);
    this.refreshStart();
    this.scrollDown();
    this.state = "ready";
    for (const event of this.queued.splice(0)) this.hooks.replay(event);
  }

  // Whether an event can be drawn now; otherwise it is kept for after loading (or dropped: a
  // chat never opened is read whole when it is).
  accepts(event) {
    if (this.state === "ready") return true;
    if (this.state === "loading") this.queued.push(event);
    return false;
  }

  // -- drawing messages
  upsert(view) {
    const node = this.draw(view);
    const old = this.messages.querySelector(`.msg[data-mid="${view.id}"]`);
    if (old) {
      old.replaceWith(node);
      if (this.pinned === old) this.pinned = node;
    } else {
      const later = [...this.messages.querySelectorAll(".msg")].find((el) => Number(el.dataset.mid) > view.id);
      this.messages.insertBefore(node, later || null);
      if (!later) this.pinned = view.out || this.state !== "ready" ? null : node;
    }
    this.refreshStart();
    if (this.stuck || (view.out && !old)) this.scrollDown();
  }

  remove(messageId) {
    this.messages.querySelector(`.msg[data-mid="${messageId}"]`)?.remove();
    this.refreshStart();
  }

  draw(view) {
    const msg = document.createElement("div");
    msg.className = `msg ${view.out ? "out" : "in"}`;
    msg.dataset.mid = String(view.id);
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    msg.append(bubble);
    if (view.reply_to) {
      const quote = document.createElement("div");
      quote.className = "quote";
      quote.textContent = view.reply_to.text;
      bubble.append(quote);
    }
    const media = this.media(view);
    if (media) {
      msg.classList.add("media");
      bubble.append(media);
    }
    const text = document.createElement("div");
    text.className = "text";
    if (view.text) text.append(renderText(view.text, view.entities, this));
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = `${view.edited ? `${t("edited")} ` : ""}${clock(view.date)}${view.out ? " ✓✓" : ""}`;
    text.append(meta);
    bubble.append(text);
    if (view.buttons && view.buttons.length) msg.append(this.inlineKeyboard(view));
    return msg;
  }

  media(view) {
    if (view.photo) {
      const img = document.createElement("img");
      img.className = `photo${view.spoiler ? " hidden-media" : ""}`;
      img.src = fileUrl(view.photo);
      img.alt = "";
      img.loading = "lazy";
      img.addEventListener("click", () => {
        if (img.classList.contains("hidden-media")) img.classList.remove("hidden-media");
        else window.open(img.src, "_blank", "noopener");
      });
      return img;
    }
    if (view.sticker) {
      const span = document.createElement("div");
      span.className = "sticker";
      span.textContent = view.sticker;
      return span;
    }
    const file = view.file;
    if (!file) return null;
    if (file.kind === "voice" || file.kind === "audio") {
      const audio = document.createElement("audio");
      audio.controls = true;
      audio.preload = "none";
      audio.src = fileUrl(file.id);
      return audio;
    }
    const a = document.createElement("a");
    a.className = "file";
    a.href = fileUrl(file.id);
    a.download = file.name || "file";
    const icon = document.createElement("span");
    icon.className = "file-icon";
    icon.textContent = "📄";
    const about = document.createElement("span");
    const name = document.createElement("div");
    name.className = "file-name";
    name.textContent = file.name || file.kind;
    const size = document.createElement("div");
    size.className = "file-size";
    size.textContent = sizeText(file.size);
    about.append(name, size);
    a.append(icon, about);
    return a;
  }

  inlineKeyboard(view) {
    const box = document.createElement("div");
    box.className = "inline-keyboard";
    for (const row of view.buttons) {
      const line = document.createElement("div");
      line.className = "inline-row";
      for (const cell of row) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = cell.text;
        if (cell.web_app) {
          button.classList.add("web-app");
          button.title = cell.web_app;
          button.addEventListener("click", () => openMiniApp(this, cell.web_app));
        } else if (cell.url) {
          button.classList.add("url");
          button.title = cell.url;
          button.addEventListener("click", () => this.openUrl(cell.url));
        } else if (cell.callback_data !== undefined) {
          button.addEventListener("click", () => this.press(view.id, cell.callback_data, button));
        }
        line.append(button);
      }
      box.append(line);
    }
    return box;
  }

  notice(text, kind = "") {
    const el = document.createElement("div");
    el.className = `notice ${kind}`;
    el.textContent = text;
    this.messages.append(el);
    if (this.stuck) this.scrollDown();
  }

  nearBottom(margin = 60) {
    const box = this.messages;
    return box.scrollHeight - box.scrollTop - box.clientHeight < margin;
  }

  // To the end, or to the top of a new message that is taller than the list.
  scrollDown() {
    const box = this.messages;
    const end = box.scrollHeight - box.clientHeight;
    const pinned = this.pinned && this.pinned.isConnected ? this.pinned : null;
    const top = pinned ? pinned.offsetTop - PINNED_GAP : end;
    box.scrollTop = Math.max(0, Math.min(end, top));
    this.placed = box.scrollTop;
    this.stuck = true;
  }

  // Telegram offers START in a chat never started; a person the bot already knows just types.
  refreshStart() {
    const fresh = !this.person.started && !this.messages.querySelector(".msg");
    $(".start-button", this.root).hidden = !fresh;
    $(".composer", this.root).hidden = fresh;
  }

  // -- keyboard and menu
  setKeyboard(rows) {
    const changed = JSON.stringify(rows) !== JSON.stringify(this.keyboard);
    this.keyboard = rows || [];
    if (changed && this.keyboard.length) this.keyboardShown = true;
    this.drawKeyboard();
  }

  drawKeyboard() {
    const box = $(".reply-keyboard", this.root);
    box.replaceChildren();
    for (const row of this.keyboard) {
      const line = document.createElement("div");
      line.className = "reply-row";
      for (const cell of row) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = cell.text;
        button.addEventListener("click", () => this.replyButton(cell));
        line.append(button);
      }
      box.append(line);
    }
    const has = this.keyboard.length > 0;
    box.hidden = !has || !this.keyboardShown;
    $(".keyboard-toggle", this.root).hidden = !has;
  }

  setCommands(commands) {
    this.commands = commands || [];
    const popup = $(".commands-popup", this.root);
    popup.replaceChildren();
    for (const entry of this.commands) {
      const button = document.createElement("button");
      button.type = "button";
      const name = document.createElement("span");
      name.className = "command-name";
      name.textContent = `/${entry.command}`;
      const about = document.createElement("span");
      about.className = "command-description";
      about.textContent = entry.description;
      button.append(name, about);
      button.addEventListener("click", () => {
        this.closePopups();
        this.send(`/${entry.command}`);
      });
      popup.append(button);
    }
    this.drawMenuButton();
  }

  // The menu button opens the command list, or the Mini App the bot set with setChatMenuButton.
  setMenuButton(button) {
    this.menuButton = button || { type: "commands" };
    this.drawMenuButton();
  }

  async refreshMenuButton() {
    this.setMenuButton(await api(`/sandbox/app/chats/${this.id}/menu`));
  }

  drawMenuButton() {
    const button = $(".menu-button", this.root);
    const app = this.menuButton.type === "web_app";
    button.classList.toggle("web-app", app);
    $(".menu-commands", button).hidden = app;
    $(".menu-app", button).hidden = !app;
    $(".menu-app", button).textContent = app ? this.menuButton.text : "";
    button.hidden = !app && this.commands.length === 0;
  }

  async refreshCommands() {
    const lang = (this.person.lang || "").slice(0, 2);
    this.setCommands(await api(`/sandbox/api/commands?lang=${lang}&user_id=${this.id}`));
  }

  // A popup opens above the input field, whatever is shown under it (a reply keyboard), so
  // that the button that opened it stays in sight and closes it again.
  toggle(selector) {
    const popup = $(selector, this.root);
    const show = popup.hidden;
    this.closePopups();
    if (!show) return;
    const chat = this.root.getBoundingClientRect();
    const composer = $(".composer", this.root).getBoundingClientRect();
    const head = $(".chat-head", this.root).getBoundingClientRect();
    popup.style.bottom = `${chat.bottom - composer.top + POPUP_GAP}px`;
    popup.style.maxHeight = `${Math.max(120, composer.top - head.bottom - 2 * POPUP_GAP)}px`;
    popup.hidden = false;
  }

  closePopups() {
    for (const popup of this.root.querySelectorAll(".popup")) popup.hidden = true;
  }

  grow() {
    this.input.style.height = "auto";
    this.input.style.height = `${Math.min(this.input.scrollHeight, 120)}px`;
  }

  // -- acting as the person
  async act(work) {
    try {
      return await work();
    } catch (error) {
      this.toast(`${t("failed")}: ${error.message}`);
      return null;
    }
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.grow();
    this.send(text);
  }

  send(text) {
    return this.act(() => api(`/sandbox/api/users/${this.id}/send`, { json: { text } }));
  }

  replyButton(cell) {
    if (cell.request) return this.act(() => api(`/sandbox/api/users/${this.id}/press`, { json: { text: cell.text } }));
    return this.send(cell.text);
  }

  async press(messageId, data, button) {
    button.classList.add("pending");
    await this.act(() =>
      api(`/sandbox/api/users/${this.id}/press`, { json: { message_id: messageId, callback_data: data } }),
    );
    setTimeout(() => button.classList.remove("pending"), 400);
  }

  async openUrl(url) {
    if (this.openDeepLink(url)) return;
    if (await ask(`${t("open_link")}\n${url}`)) window.open(url, "_blank", "noopener,noreferrer");
  }

  // A t.me link to this bot would open the chat in Telegram: here it starts it in the sandbox.
  openDeepLink(url) {
    const username = state.info.bot.username.toLowerCase();
    const match = /^(?:https?:\/\/)?(?:t\.me|telegram\.me)\/([A-Za-z0-9_]+)\/?(?:\?start=([A-Za-z0-9_-]{1,64}))?$/i.exec(url)
      || /^tg:\/\/resolve\?domain=([A-Za-z0-9_]+)(?:&start=([A-Za-z0-9_-]{1,64}))?$/i.exec(url);
    if (!match || match[1].toLowerCase() !== username) return false;
    this.send(match[2] ? `/start ${match[2]}` : "/start");
    return true;
  }

  pick(kind) {
    this.closePopups();
    this.uploadKind = kind;
    const input = $(".file-input", this.root);
    input.accept = { photo: "image/*", voice: "audio/*,.ogg,.oga,.opus", document: "" }[kind];
    input.value = "";
    input.click();
  }

  async upload(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("kind", this.uploadKind);
    form.append("file", file, file.name);
    if (this.uploadKind === "voice") {
      form.append("duration", String(await audioSeconds(file)));
    } else if (this.input.value.trim()) {
      form.append("caption", this.input.value.trim());
      this.input.value = "";
    }
    this.status(t("uploading"), true);
    await this.act(() => api(`/sandbox/api/users/${this.id}/upload`, { method: "POST", body: form }));
    this.status(t("bot"));
  }

  async changeRole(role) {
    const person = await this.act(() => api(`/sandbox/app/chats/${this.id}/role`, { json: { role } }));
    if (person) this.describe(person);
  }

  // -- what the bot does besides messages
  answer(event) {
    if (!event.text) return;
    if (event.alert) ask(event.text, false);
    else this.toast(event.text);
  }

  toast(text) {
    const toast = $(".toast", this.root);
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (toast.hidden = true), 2600);
  }

  action(name) {
    if (name !== "typing" && !name.startsWith("upload")) return;
    this.status(t("typing"), true);
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.status(t("bot")), 5000);
  }
}

function audioSeconds(file) {
  return new Promise((resolve) => {
    const audio = new Audio();
    const url = URL.createObjectURL(file);
    const done = (seconds) => {
      URL.revokeObjectURL(url);
      resolve(Math.max(1, Math.round(Number.isFinite(seconds) ? seconds : 3)));
    };
    audio.addEventListener("loadedmetadata", () => done(audio.duration));
    audio.addEventListener("error", () => done(3));
    setTimeout(() => done(3), 2000);
    audio.src = url;
  });
}
