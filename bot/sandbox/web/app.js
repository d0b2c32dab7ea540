// The sandbox chat: simulated people talking to the real bot through the emulator.
// Actions go to the emulator's control API (/sandbox/api/), chats are read from
// /sandbox/app/ and kept live with server-sent events. No build step, no dependencies.

import { $, api, ask, fillRoles, narrow, paintAvatar, roleLabel, state, t, translate } from "./common.js";
import { Chat } from "./chat.js";

// ---------------------------------------------------------------- people and layout

function drawPeople() {
  const list = $("#people-list");
  list.replaceChildren();
  for (const person of state.people.values()) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.dataset.personId = String(person.id);
    const chat = state.chats.get(person.id);
    chip.classList.toggle("open", Boolean(chat && chat.root.classList.contains("open")));
    chip.classList.toggle("active", state.active === person.id);
    const avatar = document.createElement("span");
    avatar.className = "avatar";
    paintAvatar(avatar, person.name, person.id);
    const name = document.createElement("span");
    name.textContent = person.name;
    const role = document.createElement("span");
    role.className = "chip-role";
    role.textContent = roleLabel(person.role);
    chip.append(avatar, name);
    if (person.username) {
      const username = document.createElement("span");
      username.className = "chip-username";
      username.textContent = `@${person.username}`;
      chip.append(username);
    }
    chip.append(role);
    chip.title = [person.name, person.username && `@${person.username}`, roleLabel(person.role)].filter(Boolean).join(" · ");
    chip.addEventListener("click", () => chipClicked(person.id));
    list.append(chip);
  }
  const active = $(".chip.active", list);
  if (active) reveal(list, active);
  $("#welcome").hidden = state.people.size > 0;
}

// Scroll the chips just enough that the active person's chip is in sight.
function reveal(list, chip) {
  const top = chip.offsetTop;
  const left = chip.offsetLeft;
  if (top < list.scrollTop || top + chip.offsetHeight > list.scrollTop + list.clientHeight) {
    list.scrollTop = top;
  }
  if (left < list.scrollLeft || left + chip.offsetWidth > list.scrollLeft + list.clientWidth) {
    list.scrollLeft = left;
  }
}

function chipClicked(id) {
  const chat = state.chats.get(id);
  if (!chat) return;
  if (!narrow.matches && chat.root.classList.contains("open") && state.active === id) {
    closeChat(id);
    return;
  }
  activate(id, true);
}

function activate(id, scroll) {
  const chat = state.chats.get(id);
  if (!chat) return;
  state.active = id;
  for (const other of state.chats.values()) other.root.classList.toggle("active", other.id === id);
  chat.root.classList.add("open");
  if (chat.state === "new") chat.load();
  if (scroll) chat.root.scrollIntoView({ behavior: "smooth", inline: "nearest", block: "nearest" });
  drawPeople();
}

function closeChat(id) {
  const chat = state.chats.get(id);
  if (!chat) return;
  chat.root.classList.remove("open", "active");
  if (state.active === id) {
    const next = [...state.chats.values()].find((c) => c.root.classList.contains("open"));
    state.active = next ? next.id : null;
    if (next) next.root.classList.add("active");
  }
  drawPeople();
}

async function addChat(person, open) {
  let chat = state.chats.get(person.id);
  state.people.set(person.id, person);
  if (!chat) {
    chat = new Chat(person, { focus: (id) => activate(id, false), close: closeChat, replay: handle });
    state.chats.set(person.id, chat);
    $("#chats").append(chat.root);
  } else {
    chat.describe(person);
  }
  if (open) activate(person.id, true);
  return chat;
}

async function loadPeople(openAll) {
  const people = await api("/sandbox/app/people");
  for (const person of people) await addChat(person, false);
  if (openAll) {
    const shown = narrow.matches ? people.slice(-1) : people.slice(-3);
    for (const person of shown) activate(person.id, false);
  }
  drawPeople();
}

// ---------------------------------------------------------------- dialogs

function openAddDialog() {
  const dialog = $("#add-dialog");
  const form = $("form", dialog);
  form.reset();
  const names = t("names");
  const taken = new Set([...state.people.values()].map((p) => p.name));
  form.elements.name.value = names.find((n) => !taken.has(n)) || names[0];
  form.elements.lang.value = state.ui;
  fillRoles(form.elements.role, "worker");
  const cast = $(".cast", dialog);
  cast.replaceChildren();
  for (const person of state.info.cast) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chip";
    button.disabled = state.people.has(person.id);
    const avatar = document.createElement("span");
    avatar.className = "avatar";
    paintAvatar(avatar, person.name, person.id);
    const name = document.createElement("span");
    name.textContent = person.name;
    const role = document.createElement("span");
    role.className = "chip-role";
    role.textContent = roleLabel(person.role);
    button.append(avatar, name, role);
    button.addEventListener("click", () => {
      dialog.close("cancel");
      createPerson(person);
    });
    cast.append(button);
  }
  dialog.showModal();
  form.elements.name.select();
}

async function createPerson(fields) {
  try {
    const person = await api("/sandbox/app/people", { json: fields });
    await addChat(person, true);
  } catch (error) {
    ask(`${t("failed")}: ${error.message}`, false);
  }
}

// ---------------------------------------------------------------- live updates

function connect() {
  const source = new EventSource("/sandbox/app/events");
  let lost = false;
  source.addEventListener("open", () => {
    $("#offline").hidden = true;
    if (lost) reloadAll();
    lost = false;
  });
  source.addEventListener("error", () => {
    lost = true;
    $("#offline").hidden = false;
  });
  source.addEventListener("message", (event) => handle(JSON.parse(event.data)));
}

async function reloadAll() {
  await loadPeople(false);
  for (const chat of state.chats.values()) if (chat.state !== "new") await chat.load();
}

function readyChats() {
  return [...state.chats.values()].filter((chat) => chat.state === "ready");
}

function handle(event) {
  const chat = state.chats.get(event.chat_id);
  if (chat && !chat.accepts(event)) return;
  switch (event.type) {
    case "message":
      if (!chat) return;
      chat.upsert(event.message);
      if (event.keyboard) chat.setKeyboard(event.keyboard);
      if (!event.message.out) chat.status(t("bot"));
      break;
    case "deleted":
      chat?.remove(event.message_id);
      break;
    case "answer":
      chat?.answer(event);
      break;
    case "action":
      chat?.action(event.action);
      break;
    case "violation":
      for (const each of chat ? [chat] : readyChats()) each.notice(`⚠ ${t("violation")}: ${event.text}`, "violation");
      break;
    case "commands_changed":
      for (const each of readyChats()) each.refreshCommands();
      break;
    case "menu_button":
      for (const each of chat ? [chat] : readyChats()) each.refreshMenuButton();
      break;
    case "people_changed":
      loadPeople(false);
      break;
    case "person_changed": // a role granted or a language chosen in a chat
      state.people.set(event.person.id, event.person);
      state.chats.get(event.person.id)?.describe(event.person);
      drawPeople();
      break;
    case "content":
      for (const each of readyChats()) each.notice(`📚 ${event.text}`);
      break;
  }
}

// ---------------------------------------------------------------- start

function setUiLanguage(lang) {
  state.ui = lang;
  localStorage.setItem("sandbox.ui", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = `${t("sandbox")} · ${state.info ? state.info.bot.name : "Telegram"}`;
  $("#ui-lang").textContent = lang === "zh" ? "EN" : "中文";
  translate();
  $(".banner-badge").title = t("sandbox_note"); // the note itself is left out on a phone
  for (const chat of state.chats.values()) {
    chat.describe(chat.person);
    translate(chat.root);
  }
  drawPeople();
}

async function main() {
  state.info = await api("/sandbox/app/info");
  setUiLanguage(state.ui);
  $("#ui-lang").addEventListener("click", () => setUiLanguage(state.ui === "zh" ? "en" : "zh"));
  $("#add-person").addEventListener("click", openAddDialog);
  $("#welcome .primary").addEventListener("click", openAddDialog);
  $("#add-dialog").addEventListener("close", () => {
    const dialog = $("#add-dialog");
    if (dialog.returnValue !== "add") return;
    const form = $("form", dialog);
    createPerson({
      name: form.elements.name.value,
      username: form.elements.username.value,
      lang: form.elements.lang.value,
      role: form.elements.role.value,
    });
  });
  narrow.addEventListener("change", () => state.active && activate(state.active, false));
  connect();
  await loadPeople(true);
}

main();
