// Shared by the sandbox page's modules: interface strings, state, server calls, small helpers.

const UI = {
  zh: {
    sandbox: "本地沙盒",
    sandbox_note: "在你电脑上模拟的 Telegram，消息不会发往 Telegram。",
    offline: "连接已断开，正在重连…",
    add_person: "添加人物",
    welcome_title: "和机器人对话，就像在 Telegram 里一样",
    welcome_text: "添加一个或几个人物（姓名、语言、角色），每个人物有自己的聊天窗口。",
    name: "姓名",
    username: "用户名（可不填，/grant @用户名 用得上）",
    language: "语言",
    role: "角色",
    add: "添加",
    cancel: "取消",
    ok: "确定",
    open: "打开",
    demo_cast: "演示人物",
    demo_hint: "运行 engage demo seed（沙盒开着也可以），他们就带着资料、建议和活动登场。",
    photo: "照片",
    voice: "语音",
    file: "文件",
    menu: "菜单",
    start: "开始",
    message: "消息",
    bot: "机器人",
    typing: "正在输入…",
    uploading: "正在发送文件…",
    edited: "已编辑",
    open_link: "打开此链接？",
    violation: "Bot API 违规",
    failed: "没有成功",
    close: "关闭",
    theme: "深色/浅色",
    names: ["王师傅", "李师傅", "张工", "刘班长", "陈技师", "赵师傅", "孙工", "周师傅"],
  },
  en: {
    sandbox: "Local sandbox",
    sandbox_note: "A simulated Telegram running on this computer; nothing is sent to Telegram.",
    offline: "Connection lost, reconnecting…",
    add_person: "Add person",
    welcome_title: "Chat with the bot as if in Telegram",
    welcome_text: "Add one or more people (name, language, role); each gets a chat of their own.",
    name: "Name",
    username: "Username (optional; for /grant @username)",
    language: "Language",
    role: "Role",
    add: "Add",
    cancel: "Cancel",
    ok: "OK",
    open: "Open",
    demo_cast: "Demo cast",
    demo_hint: "Run engage demo seed (the sandbox may be running) and they arrive with their profiles, proposals and events.",
    photo: "Photo",
    voice: "Voice",
    file: "File",
    menu: "Menu",
    start: "Start",
    message: "Message",
    bot: "bot",
    typing: "typing…",
    uploading: "sending a file…",
    edited: "edited",
    open_link: "Open this link?",
    violation: "Bot API violation",
    failed: "That did not work",
    close: "Close",
    theme: "Dark/light",
    names: ["Li Wei", "Zhang Min", "Chen Jie", "Wang Fang", "Liu Yang", "Zhao Lei"],
  },
};


export const state = {
  ui: localStorage.getItem("sandbox.ui") || (navigator.language.startsWith("zh") ? "zh" : "en"),
  info: null,
  people: new Map(),
  chats: new Map(),
  active: null,
};
export const $ = (selector, root = document) => root.querySelector(selector);
export const t = (key) => UI[state.ui][key] ?? UI.en[key] ?? key;
export const narrow = window.matchMedia("(max-width: 759px)");
const AVATAR_COLORS = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];

// ---------------------------------------------------------------- server calls

export async function api(path, options = {}) {
  const init = { ...options };
  if (options.json !== undefined) {
    init.method = init.method || "POST";
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(options.json);
  }
  const response = await fetch(path, init);
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(payload.error || `${response.status} ${response.statusText}`);
  return payload;
}

export const fileUrl = (fileId) => `/sandbox/api/files/${encodeURIComponent(fileId)}`;

// ---------------------------------------------------------------- drawing helpers

function initials(name) {
  return Array.from(name.trim())[0]?.toUpperCase() || "?";
}

export function paintAvatar(el, name, id) {
  el.textContent = initials(name);
  el.style.background = AVATAR_COLORS[Math.abs(Number(id)) % AVATAR_COLORS.length];
}

// Times as the bot's people read them: in the bot's timezone (ENGAGE_TIMEZONE), not the browser's.
export function clock(seconds) {
  const date = seconds ? new Date(seconds * 1000) : new Date();
  const zone = state.info && state.info.timezone;
  return date.toLocaleTimeString(state.ui === "zh" ? "zh-CN" : "en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    ...(zone ? { timeZone: zone } : {}),
  });
}

export function sizeText(bytes) {
  if (!bytes) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}



export function roleLabel(value) {
  const role = state.info.roles.find((r) => r.value === value);
  return role ? role.label[state.ui] : value;
}

export function fillRoles(select, current) {
  select.replaceChildren();
  for (const role of state.info.roles) {
    const option = document.createElement("option");
    option.value = role.value;
    option.textContent = role.label[state.ui];
    select.append(option);
  }
  if (current) select.value = current;
}


// ---------------------------------------------------------------- dialogs

export function ask(text, confirm = true) {
  const dialog = $("#alert-dialog");
  $(".alert-text", dialog).textContent = text;
  $(".alert-cancel", dialog).hidden = !confirm;
  $("button.primary", dialog).textContent = confirm ? t("open") : t("ok");
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}



export function translate(root = document) {
  for (const el of root.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
}
