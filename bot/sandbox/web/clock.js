// The bot's local time in the banner, and a way to send what quiet hours hold.
//
// Pushes wait out quiet hours in the bot's timezone (22:00–07:00 by default), not the
// tester's: the clock says what time it is for the bot, and while copies are held a button
// sends them at once, as if the night had ended.

const EVERY_MS = 15000;
const WORDS = {
  zh: { time: "机器人", quiet: "机器人所在时区正值免打扰时段", held: (n) => `立即发送暂缓的 ${n} 条` },
  en: { time: "Bot", quiet: "quiet hours in the bot's timezone", held: (n) => `Send ${n} held now` },
};

function words() {
  return WORDS[document.documentElement.lang.startsWith("zh") ? "zh" : "en"];
}

function draw(root, clock) {
  const say = words();
  const label = root.querySelector(".bot-clock-time");
  label.textContent = `🕒 ${say.time} ${clock.time}${clock.quiet ? " 🌙" : ""}`;
  label.title = clock.quiet ? `${clock.timezone} · ${say.quiet}` : clock.timezone;
  const button = root.querySelector(".bot-clock-send");
  button.hidden = !clock.held;
  button.textContent = say.held(clock.held);
}

async function refresh(root) {
  try {
    const response = await fetch("/sandbox/app/clock");
    if (response.ok) draw(root, await response.json());
  } catch {
    // offline: the page's own banner says so; the clock tries again on its next tick
  }
}

function start() {
  const root = document.getElementById("bot-clock");
  if (!root) return;
  root.querySelector(".bot-clock-send").addEventListener("click", async () => {
    await fetch("/sandbox/app/clock", { method: "POST" });
    await refresh(root);
  });
  new MutationObserver(() => refresh(root)).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["lang"],
  });
  refresh(root);
  setInterval(() => refresh(root), EVERY_MS);
}

start();
