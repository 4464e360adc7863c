// Pixora web client: sign-in, task list, streamed chat, scene breakdown review, progress, player.
// Protocol: docs/protocol.md. Every stream event carries an integer id per task; the client
// remembers the last id it saw and resumes from it after a reconnect.
"use strict";

const $ = (id) => document.getElementById(id);

const state = {
  token: localStorage.getItem("pixora.token"),
  user: localStorage.getItem("pixora.user"),
  ws: null,
  retry: 0,
  taskId: null,
  lastId: new Map(), // task_id -> last event id seen
  task: null, // TaskContext of the current task (REST)
  streaming: null, // the assistant bubble tokens are streaming into
  chips: new Map(), // call_id -> chip of a tool call still waiting for its result
  versions: [],
};

// ---------- helpers ----------

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function withToken(url) {
  if (!url) return url;
  const sep = url.includes("?") ? "&" : "?";
  return `${url}${sep}token=${encodeURIComponent(state.token)}`;
}

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401) {
    signOut();
    throw new Error("signed out");
  }
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
  return body;
}

function fmtSeconds(s) {
  if (s === null || s === undefined) return "";
  if (s < 60) return `${Math.round(s * 10) / 10} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function scrollChat() {
  const box = $("messages");
  box.scrollTop = box.scrollHeight;
}

// ---------- sign-in ----------

async function signIn(username) {
  const res = await fetch("/api/auth/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ? body.error.message : "sign-in failed");
  state.token = body.access_token;
  state.user = body.user_id;
  localStorage.setItem("pixora.token", state.token);
  localStorage.setItem("pixora.user", state.user);
}

function signOut() {
  localStorage.removeItem("pixora.token");
  localStorage.removeItem("pixora.user");
  state.token = null;
  state.user = null;
  if (state.ws) state.ws.close(1000);
  state.ws = null;
  showSignIn();
}

function showSignIn() {
  $("signin").hidden = false;
  $("studio").hidden = true;
  $("signout").hidden = true;
  $("user").textContent = "";
}

async function showStudio() {
  $("signin").hidden = true;
  $("studio").hidden = false;
  $("signout").hidden = false;
  $("user").textContent = state.user;
  connect();
  await refreshTasks();
}

// ---------- WebSocket ----------

function setConn(stateName) {
  const conn = $("conn");
  conn.dataset.state = stateName;
  conn.textContent = stateName;
}

function connect() {
  if (!state.token) return;
  const proto = location.protocol === "https:" ? "wss" : "ws";
  // The token rides in the subprotocol header, not the URL (docs/protocol.md, Authentication).
  const ws = new WebSocket(`${proto}://${location.host}/api/chat/ws`, ["pixora", `pixora.bearer.${state.token}`]);
  state.ws = ws;
  setConn("connecting");
  ws.onopen = () => {
    state.retry = 0;
    setConn("online");
    if (state.taskId) {
      send({ type: "resume", task_id: state.taskId, last_event_id: state.lastId.get(state.taskId) || 0 });
    }
  };
  ws.onmessage = (msg) => onEvent(JSON.parse(msg.data));
  ws.onclose = (ev) => {
    if (state.ws !== ws) return;
    setConn("offline");
    if (ev.code === 4401) {
      signOut();
      return;
    }
    const delay = Math.min(8000, 300 * 2 ** state.retry++);
    setTimeout(connect, delay);
  };
}

function send(message) {
  if (!state.ws || state.ws.readyState !== WebSocket.OPEN) {
    addNote("Not connected; reconnecting…", "error");
    return false;
  }
  state.ws.send(JSON.stringify(message));
  return true;
}

setInterval(() => {
  if (state.ws && state.ws.readyState === WebSocket.OPEN) send({ type: "ping" });
}, 25000);

// ---------- events ----------

function onEvent(ev) {
  if (ev.id !== null && ev.id !== undefined) {
    const last = state.lastId.get(ev.task_id) || 0;
    if (ev.id <= last) return; // already shown
    state.lastId.set(ev.task_id, ev.id);
  }
  if (ev.type === "task_created") {
    if (!state.taskId) state.taskId = ev.task_id;
    refreshTasks();
    return;
  }
  if (ev.task_id && state.taskId && ev.task_id !== state.taskId) {
    if (ev.type === "completion" || ev.type === "approval_required") refreshTasks();
    return;
  }
  const handler = HANDLERS[ev.type];
  if (handler) handler(ev);
}

const HANDLERS = {
  pong() {},
  command_result(ev) {
    const result = ev.data.result || {};
    if (result.status === "error") addNote(`${ev.data.command}: ${result.message}`, "error");
  },
  token(ev) {
    if (!state.streaming) state.streaming = addBubble("assistant", "");
    state.streaming.querySelector(".text").textContent += ev.content || "";
    scrollChat();
  },
  agent_message(ev) {
    if (state.streaming) {
      state.streaming.querySelector(".text").textContent = ev.content || "";
      state.streaming.classList.remove("streaming");
      state.streaming = null;
    } else {
      addBubble("assistant", ev.content || "").classList.remove("streaming");
    }
    scrollChat();
  },
  tool_call(ev) {
    closeStream();
    const tool = ev.data.tool || "tool";
    const chip = el("div", "chip tool pending");
    chip.append(el("span", "icon", "⚙"), el("span", "", tool));
    chip.title = JSON.stringify(ev.data.parameters || {}, null, 2);
    $("messages").append(chip);
    state.chips.set(ev.data.call_id, chip);
    scrollChat();
  },
  tool_result(ev) {
    const chip = state.chips.get(ev.data.call_id);
    if (chip) {
      state.chips.delete(ev.data.call_id);
      chip.classList.remove("pending");
      const out = ev.data.output;
      chip.classList.add(out && out.status === "error" ? "failed" : "done");
    }
  },
  handoff(ev) {
    closeStream();
    const to = ev.data.to || ev.data.agent || ev.content || "agent";
    const from = ev.data.from ? `${ev.data.from} → ` : "→ ";
    addNote(`${from}${to}`, "handoff");
  },
  scene_breakdown(ev) {
    closeStream();
    renderBreakdown(ev.data.breakdown || ev.data);
    $("approve").disabled = Boolean(ev.data.approved);
  },
  approval_required(ev) {
    closeStream();
    const bd = ev.data.breakdown;
    if (bd) renderBreakdown(bd);
    $("approve").disabled = false;
    addNote("Review the scene breakdown, then approve to render.", "approval");
  },
  progress_update(ev) {
    renderProgress(ev.data);
  },
  completion(ev) {
    closeStream();
    renderProgress({ progress: 100, stage: "done", message: "Video ready", eta_s: 0 });
    addVersion(ev.data);
    refreshTasks();
  },
  error(ev) {
    closeStream();
    const d = ev.data || {};
    addNote(`${d.code || "error"}: ${d.message || ""}`, "error");
  },
};

function closeStream() {
  if (state.streaming) state.streaming.classList.remove("streaming");
  state.streaming = null;
}

// ---------- chat pane ----------

function clearEmpty() {
  const empty = $("messages").querySelector(".empty-chat");
  if (empty) empty.remove();
}

function addBubble(role, text) {
  clearEmpty();
  const bubble = el("div", `bubble ${role} streaming`);
  bubble.append(el("div", "text", text));
  $("messages").append(bubble);
  scrollChat();
  return bubble;
}

function addNote(text, kind) {
  clearEmpty();
  $("messages").append(el("div", `note ${kind}`, text));
  scrollChat();
}

function sendChat(text) {
  const message = { type: "chat_message", message: text };
  if (state.taskId) message.task_id = state.taskId;
  if (send(message)) {
    closeStream();
    addBubble("user", text).classList.remove("streaming");
  }
}

// ---------- breakdown ----------

function renderBreakdown(bd) {
  if (!bd || !Array.isArray(bd.scenes)) return;
  $("breakdown").hidden = false;
  $("bd-title").textContent = bd.title || "Scene breakdown";
  const total = bd.scenes.reduce((s, sc) => s + (sc.duration || 0), 0);
  $("bd-meta").textContent = `v${bd.version || 1} · ${fmtSeconds(total)} · ${bd.style || ""} · ${bd.aspect_ratio || ""}`;
  renderSceneCount(bd, total);
  renderCharacters(bd.characters || []);
  const list = $("scenes");
  list.replaceChildren();
  for (const scene of bd.scenes) list.append(sceneCard(scene));
}

function command(name, params, note) {
  if (send({ type: "command", task_id: state.taskId, command: name, params })) addNote(note, "handoff");
}

// A new count rewrites the breakdown from the same prompt, length, style and frame.
function renderSceneCount(bd, total) {
  const input = $("bd-scenes");
  input.value = bd.scenes.length;
  input.onchange = () => {
    const scenes = parseInt(input.value, 10);
    if (!scenes || scenes === bd.scenes.length) return;
    command("generate_scene_breakdown", {
      prompt: bd.prompt, duration: Math.round(total), style: bd.style,
      aspect_ratio: bd.aspect_ratio, scenes,
    }, `Rewriting the breakdown with ${scenes} scenes…`);
  };
}

function renderCharacters(characters) {
  const list = $("bd-characters");
  list.replaceChildren();
  list.hidden = characters.length === 0;
  for (const c of characters) {
    const row = el("li", "character");
    const text = el("span", "", `${c.name} (${c.kind || "person"}): ${c.description || ""}`);
    const edit = el("button", "edit ghost small", "Edit");
    edit.type = "button";
    edit.addEventListener("click", () => editCharacter(row, c));
    row.append(text, edit);
    if (c.reference_image) {
      // The reference sheet: the character from the front, three-quarter, profile and back.
      const sheet = el("img", "sheet");
      sheet.src = withToken(`/files/${c.reference_image}`);
      sheet.alt = `${c.name}: front, three-quarter, profile and back`;
      row.append(sheet);
    }
    list.append(row);
  }
}

function editBox(parent, inputs, onSave) {
  if (parent.querySelector(".edit-box")) return;
  const save = el("button", "primary small", "Save");
  save.type = "button";
  const cancel = el("button", "ghost small", "Cancel");
  cancel.type = "button";
  const box = el("div", "edit-box");
  box.append(...inputs, save, cancel);
  parent.append(box);
  inputs[0].focus();
  cancel.addEventListener("click", () => box.remove());
  save.addEventListener("click", () => { onSave(); box.remove(); });
}

function editCharacter(row, c) {
  const fields = { name: c.name, kind: c.kind || "person", traits: c.description || "" };
  const inputs = Object.entries(fields).map(([key, value]) => {
    const input = el("input");
    input.value = value;
    input.placeholder = key;
    input.dataset.key = key;
    return input;
  });
  editBox(row, inputs, () => {
    const changed = {};
    for (const input of inputs) {
      const value = input.value.trim();
      if (value && value !== fields[input.dataset.key]) changed[input.dataset.key] = value;
    }
    if (Object.keys(changed).length === 0) return;
    command("update_character", { character_id: c.id, ...changed }, `Updating ${c.name}…`);
  });
}

function sceneCard(scene) {
  const node = $("scene-template").content.firstElementChild.cloneNode(true);
  node.dataset.index = scene.index;
  node.querySelector(".scene-no").textContent = `Scene ${scene.index}`;
  node.querySelector(".scene-title").textContent = scene.title || "";
  node.querySelector(".scene-duration").textContent = fmtSeconds(scene.duration);
  node.querySelector(".scene-transition").textContent = scene.transition ? `→ ${scene.transition}` : "";
  for (const field of node.querySelectorAll(".field")) {
    const name = field.dataset.field;
    field.querySelector(".value").textContent = scene[name];
    field.querySelector(".edit").addEventListener("click", () => editField(field, scene.index, name, scene[name]));
  }
  return node;
}

// The edited text is the field's new value, saved verbatim.
function editField(field, index, name, current) {
  const input = el("textarea");
  input.value = current;
  editBox(field, [input], () => {
    const value = input.value.trim();
    if (!value || value === String(current)) return;
    const label = name === "script" ? "narration" : "visual";
    command("update_scene", { scene_index: index, [name]: value }, `Editing scene ${index} ${label}…`);
  });
}

// ---------- progress and player ----------

function renderProgress(d) {
  const pct = Math.max(0, Math.min(100, Number(d.progress) || 0));
  $("progress").hidden = false;
  $("progress-bar").style.width = `${pct}%`;
  $("progress-pct").textContent = `${Math.round(pct)}%`;
  $("progress-stage").textContent = (d.stage || "").replaceAll("_", " ");
  $("progress-msg").textContent = d.message || "";
  $("progress-eta").textContent = d.eta_s ? `about ${fmtSeconds(d.eta_s)} left` : "";
  $("progress").classList.toggle("complete", pct >= 100);
}

function videoUrl(version) {
  return withToken(`/api/tasks/${state.taskId}/video?version=${version}`);
}

function addVersion(data) {
  const version = data.version || state.versions.length + 1;
  if (!state.versions.some((v) => v.version === version)) {
    state.versions.push({ version, thumbnail: data.thumbnail_url, captions: Boolean(data.vtt_url) });
  }
  showVersion(version);
}

function showCaptions(video, version, available) {
  // The version's WebVTT captions as a track (served with the owner check), with a toggle.
  for (const t of video.querySelectorAll("track")) t.remove();
  const toggle = $("captions-toggle");
  toggle.hidden = !available;
  if (!available) return;
  const track = document.createElement("track");
  track.kind = "captions";
  track.label = "Captions";
  track.srclang = "en";
  track.default = state.captionsOn !== false;
  track.src = withToken(`/api/tasks/${state.taskId}/captions.vtt?version=${version}`);
  video.append(track);
  const apply = () => {
    const on = state.captionsOn !== false;
    for (const t of video.textTracks) t.mode = on ? "showing" : "hidden";
    toggle.textContent = on ? "Captions on" : "Captions off";
    toggle.setAttribute("aria-pressed", String(on));
  };
  toggle.onclick = () => {
    state.captionsOn = state.captionsOn === false;
    apply();
  };
  apply();
}

function showVersion(version) {
  $("player").hidden = false;
  const video = $("video");
  const url = videoUrl(version);
  video.src = url;
  const meta = state.versions.find((v) => v.version === version);
  if (meta && meta.thumbnail) video.poster = withToken(meta.thumbnail);
  $("download").href = url;
  showCaptions(video, version, Boolean(meta && meta.captions));
  const box = $("versions");
  box.replaceChildren();
  for (const v of state.versions) {
    const b = el("button", v.version === version ? "chip active" : "chip", `v${v.version}`);
    b.type = "button";
    b.addEventListener("click", () => showVersion(v.version));
    box.append(b);
  }
}

// ---------- tasks ----------

async function allTasks() {
  // GET /api/tasks is paged: follow next_cursor to the last page.
  const tasks = [];
  let cursor = null;
  do {
    const query = cursor ? `?limit=100&cursor=${encodeURIComponent(cursor)}` : "?limit=100";
    const page = await api(`/api/tasks${query}`);
    tasks.push(...page.tasks);
    cursor = page.next_cursor;
  } while (cursor);
  return tasks;
}

async function refreshTasks() {
  const tasks = await allTasks();
  const list = $("task-list");
  list.replaceChildren();
  for (const t of tasks) {
    const item = el("li", t.task_id === state.taskId ? "task active" : "task");
    item.append(el("span", "task-title", t.title || "Untitled"), el("span", `badge ${t.stage}`, t.stage.replaceAll("_", " ")));
    item.addEventListener("click", () => openTask(t.task_id));
    list.append(item);
  }
}

function resetPanes() {
  state.streaming = null;
  state.chips.clear();
  state.versions = [];
  $("messages").replaceChildren();
  $("breakdown").hidden = true;
  $("progress").hidden = true;
  $("player").hidden = true;
  $("approve").disabled = true;
  $("video").removeAttribute("src");
}

async function openTask(taskId) {
  state.taskId = taskId;
  resetPanes();
  state.lastId.set(taskId, 0);
  const ctx = await api(`/api/tasks/${taskId}`);
  state.task = ctx;
  if (ctx.breakdown) renderBreakdown(ctx.breakdown);
  state.versions = ctx.videos.map((v) => ({ version: v.version, thumbnail: `/api/tasks/${taskId}/thumbnail?version=${v.version}`, captions: Boolean(v.vtt_key) }));
  if (state.versions.length) showVersion(state.versions[state.versions.length - 1].version);
  send({ type: "resume", task_id: taskId, last_event_id: 0 });
  refreshTasks();
}

function newTask() {
  state.taskId = null;
  resetPanes();
  $("messages").append(el("div", "empty-chat", "Describe the video you want."));
  refreshTasks();
  $("prompt").focus();
}

// ---------- wiring ----------

$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("signin-error").textContent = "";
  try {
    await signIn($("signin-name").value.trim());
    await showStudio();
  } catch (err) {
    $("signin-error").textContent = err.message;
  }
});

$("signout").addEventListener("click", signOut);
$("new-task").addEventListener("click", newTask);

$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("prompt").value.trim();
  if (!text) return;
  sendChat(text);
  $("prompt").value = "";
});

$("prompt").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) {
    e.preventDefault();
    $("composer").requestSubmit();
  }
});

$("approve").addEventListener("click", () => {
  if (!state.taskId) return;
  if (send({ type: "approve", task_id: state.taskId, approved: true })) {
    $("approve").disabled = true;
    renderProgress({ progress: 0, stage: "queued", message: "Starting…" });
  }
});

if (state.token) {
  api("/api/me").then(showStudio).catch(showSignIn);
} else {
  showSignIn();
}
