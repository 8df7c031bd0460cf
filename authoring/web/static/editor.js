/* The 起草 page: every edit goes to the server, which writes it into the YAML text, validates
   and renders it; the page puts back the preview, the problems beside their fields and, when
   the form's shape changed, the form. */
"use strict";

(() => {
  const { api, toast, ask, problemText, download } = Workbench;
  const main = document.querySelector("main.editor");
  let file = main.dataset.file;
  const formPane = document.getElementById("form-pane");
  const yamlPane = document.getElementById("yaml-pane");
  const yamlBox = document.getElementById("yaml");
  const problemsBox = document.getElementById("problems");
  const counts = document.getElementById("counts");
  const statusEl = document.getElementById("status");
  const banner = document.getElementById("banner");
  const preview = document.getElementById("preview");
  const previewNote = document.getElementById("preview-note");

  let state = {};
  let pending = new Map();      // data-path → edit waiting to be sent (typing)
  let timer = null;
  let inflight = Promise.resolve();
  let lastText = null;          // the last focused text field, for “插入正文”
  let yamlTimer = null;
  let yamlUnsent = false;       // the YAML tab's text the server has not taken yet
  let yamlFailed = false;       // …because the server failed on it
  let unsent = false;           // the last edits failed on the server: not saved until they are taken

  // -- sending edits -------------------------------------------------------------------------

  function queue(edit, delay) {
    pending.set(edit.op + edit.path, edit);
    clearTimeout(timer);
    timer = setTimeout(flush, delay === undefined ? 300 : delay);
    setStatus("editing");
  }

  function flush() {
    clearTimeout(timer);
    if (!pending.size) return inflight;
    const edits = Array.from(pending.values());
    pending = new Map();
    return send(edits);
  }

  function send(edits, extra) {
    inflight = inflight.catch(() => {}).then(async () => {
      const { status, body } = await api("/api/edit", Object.assign({ file, edits }, extra || {}));
      if (status === 0 || !body) { toast(problemText(body), "error"); setStatus("offline"); return; }
      if (body.internal) { failed(edits, body); return; }
      unsent = false;
      if (body.refused) toast(problemText({ problems: body.refused }), "error");
      apply(body);
    });
    return inflight;
  }

  function failed(edits, body) {
    // The server failed on these edits in a way nobody foresaw: what was typed stays in the
    // fields and goes again with the next edit (a value set twice is the same value; an entry
    // added or moved is not sent twice), and nothing is saved before the server has taken it.
    for (const e of edits) {
      const key = e.op + e.path;
      if ((e.op === "set" || e.op === "comment") && !pending.has(key)) pending.set(key, e);
    }
    unsent = true;
    toast(problemText(body), "error");
    setStatus("failed");
  }

  // -- applying what the server says ---------------------------------------------------------

  function apply(update) {
    if (update.form !== undefined) replaceForm(update.form);
    if (update.preview !== undefined) showPreview(update.preview);
    previewNote.textContent = update.preview === undefined && update.errors ? "有错误时预览停在上一次无错的样子；改正后自动更新" : "";
    if (update.fonts) showFonts(update.fonts);
    if (update.figure_values) {
      for (const el of formPane.querySelectorAll("[data-figure]")) {
        const v = update.figure_values[el.dataset.figure];
        if (v !== undefined) el.textContent = v;
      }
    }
    if (update.problems) showProblems(update.problems, update.errors, update.warnings, update.notes || 0);
    if (update.state) setState(update.state);
    if (update.checklist) showChecklist(update.checklist);
    if (update.text !== undefined && document.activeElement !== yamlBox) yamlBox.value = update.text;
    if (update.yaml_ok === false && !formPane.querySelector(".broken-note")) {
      formPane.classList.add("stale");
    } else {
      formPane.classList.remove("stale");
    }
  }

  function replaceForm(html) {
    const active = document.activeElement;
    const key = active && active.dataset ? active.dataset.path : null;
    const start = active && active.selectionStart;
    const scroll = formPane.scrollTop;
    formPane.innerHTML = html;
    // What was typed since this form was made (still waiting to be sent) stays in its field.
    for (const e of pending.values()) {
      if (e.op !== "set") continue;
      const el = formPane.querySelector(`[data-edit="set"][data-path="${cssEscape(e.path)}"]`);
      if (el && el.type === "checkbox") el.checked = e.value === true;
      else if (el && typeof e.value === "string") el.value = e.value;
    }
    formPane.scrollTop = scroll;
    growAll();
    if (key) {
      const again = formPane.querySelector(`[data-edit="set"][data-path="${cssEscape(key)}"]`);
      if (again) {
        again.focus();
        if (typeof start === "number" && again.setSelectionRange) again.setSelectionRange(start, start);
      }
    }
  }

  let previewLoading = false;
  let previewNext = null;

  function showPreview(html) {
    // Until the pages' first document has loaded, the frame holds an empty one that the load
    // then replaces: a newer preview written into it would be lost, so it waits for the load.
    if (previewLoading) { previewNext = html; return; }
    const doc = preview.contentDocument;
    const y = doc && doc.scrollingElement ? doc.scrollingElement.scrollTop : 0;
    if (!doc || !doc.body || !preview.dataset.ready) {
      previewLoading = true;
      preview.dataset.ready = "1";
      preview.onload = () => {
        previewLoading = false;
        fitPreview();
        listenToPreview();
        if (previewNext !== null) { const next = previewNext; previewNext = null; showPreview(next); }
      };
      preview.srcdoc = html;
      return;
    }
    const parsed = new DOMParser().parseFromString(html, "text/html");
    doc.head.innerHTML = parsed.head.innerHTML;
    doc.body.innerHTML = parsed.body.innerHTML;
    listenToPreview();
    doc.scrollingElement.scrollTop = y;
    fitPreview();
  }

  function showFonts(fonts) {
    // Which face each font of the report is drawn in here, where this machine lacks it.
    const box = document.getElementById("preview-fonts");
    const missing = fonts.filter((f) => !f.installed);
    const names = Array.from(new Set(missing.map((f) => f.font)));
    const summary = box.querySelector("summary");
    summary.textContent = names.length ? `字体：本机缺 ${names.length} 种，预览用相近的字体` : "字体：本机都有";
    summary.title = names.length ? `本机没有 ${names.join("、")}；点开查看预览用的字体` : "";
    const body = box.querySelector("tbody");
    body.innerHTML = "";
    for (const f of fonts) {
      const tr = document.createElement("tr");
      for (const text of [f.role, f.font + (f.installed ? "" : "（本机没有）"), f.installed ? f.font : f.shown]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.appendChild(td);
      }
      if (!f.installed) tr.className = "missing";
      body.appendChild(tr);
    }
    box.hidden = false;
  }

  const listened = new WeakSet();

  function listenToPreview() {
    // A click on a paragraph of the pages goes to the field it was written in.
    const doc = preview.contentDocument;
    if (!doc || !doc.head) return;
    if (!doc.getElementById("wb-clickable")) {
      const style = doc.createElement("style");
      style.id = "wb-clickable";
      style.textContent = "[data-field]{cursor:pointer} [data-field]:hover{background:rgba(255,224,138,.45)}";
      doc.head.appendChild(style);
    }
    if (listened.has(doc)) return;
    listened.add(doc);
    doc.addEventListener("click", (e) => {
      const block = e.target.closest && e.target.closest("[data-field]");
      if (!block) return;
      const path = fieldPath(block.dataset.field);
      for (let n = path.length; n > 0; n--) {
        const key = JSON.stringify(path.slice(0, n));
        if (formPane.querySelector(`[data-path="${cssEscape(key)}"]`)) {
          if (formPane.hidden) showTab("form");
          jumpTo({ anchor: key });
          return;
        }
      }
    });
  }

  function fieldPath(text) {
    // achievements[2].items[1] → ["achievements", 1, "items", 0] (the messages count from 1).
    const out = [];
    for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) - 1 : m[1]);
    return out;
  }

  function fitPreview() {
    // Pages are 210 mm wide; scale them to the pane so that a whole line shows.
    const doc = preview.contentDocument;
    if (!doc || !doc.body) return;
    const page = doc.querySelector(".page");
    if (!page) return;
    const room = preview.clientWidth - 48;
    const scale = Math.min(1, room / page.offsetWidth);
    doc.documentElement.style.setProperty("zoom", String(scale));
  }
  window.addEventListener("resize", fitPreview);

  const SEVERITY = { error: "错误", warning: "警告", info: "提示", note: "提示" };

  function showProblems(problems, errors, warnings, notes) {
    for (const el of formPane.querySelectorAll(".msgs")) el.innerHTML = "";
    for (const el of formPane.querySelectorAll(".has-error, .has-warning, .inner-error, .inner-warning")) {
      el.classList.remove("has-error", "has-warning", "inner-error", "inner-warning");
    }
    problemsBox.innerHTML = "";
    counts.textContent = errors || warnings || notes
      ? `${errors} 个错误、${warnings} 个警告` + (notes ? `、${notes} 条提示` : "") : "没有发现问题";
    counts.className = "counts " + (errors ? "bad" : warnings ? "warn" : "good");
    if (!problems.length) { problemsBox.hidden = true; return; }
    problemsBox.hidden = false;
    const list = document.createElement("ul");
    for (const p of problems) {
      const li = document.createElement("li");
      li.className = p.severity;
      // Where, as the form names it (一、主要举措和成效 › 第 2 项 › 小标题); the YAML's path for a
      // place the form does not show.
      const where = p.where ? p.where + "：" : p.field ? p.field + "：" : (p.line ? `第 ${p.line} 行：` : "");
      li.textContent = (SEVERITY[p.severity] || "警告") + "　" + where + p.message;
      li.tabIndex = 0;
      li.title = "点击跳到这个字段";
      li.addEventListener("click", () => jumpTo(p));
      li.addEventListener("keydown", (e) => { if (e.key === "Enter") jumpTo(p); });
      list.appendChild(li);
      const holder = p.anchor ? formPane.querySelector(`[data-path="${cssEscape(p.anchor)}"]`) : null;
      if (holder) {
        const slot = ownSlot(holder);
        if (slot) {
          const msg = document.createElement("div");
          msg.className = "msg " + p.severity;
          msg.textContent = p.message;
          slot.appendChild(msg);
        }
        if (p.severity === "error" || p.severity === "warning") {
          holder.classList.add(p.severity === "error" ? "has-error" : "has-warning");
          // A closed group says that something inside it needs attention.
          for (let d = holder.closest("details"); d; d = d.parentElement.closest("details")) {
            d.classList.add(p.severity === "error" ? "inner-error" : "inner-warning");
          }
        }
      }
    }
    problemsBox.appendChild(list);
  }

  function showChecklist(items) {
    const box = document.getElementById("checklist");
    const list = box.querySelector("ul");
    list.innerHTML = "";
    // as authoring compare counts them: a possible match is not a follow-up until the clerk says so
    const done = items.filter((i) => i.status === "matched").length;
    const maybe = items.filter((i) => i.status === "weak").length;
    box.querySelector(".sum").textContent =
      `${items.length} 项，${done} 项已有对应内容` + (maybe ? `，另有 ${maybe} 项可能对应，请核对` : "");
    for (const item of items) {
      const li = document.createElement("li");
      li.className = "plan " + item.status;
      const mark = item.status === "matched" ? "✓" : item.status === "weak" ? "？" : "○";
      li.textContent = `${mark} ${item.plan} —— ${item.label}${item.passage ? "：" + item.passage : ""}`;
      if (item.anchor) {
        li.tabIndex = 0;
        li.title = "点击跳到今年对应的内容";
        li.addEventListener("click", () => jumpTo({ anchor: item.anchor }));
      }
      list.appendChild(li);
    }
    box.hidden = items.length === 0;
  }

  function ownSlot(holder) {
    // The message slot of this field itself (not of a field inside it).
    if (holder.tagName === "TR") {
      const next = holder.nextElementSibling;
      if (next && next.classList.contains("fig-msgs")) return next.querySelector(".msgs");
    }
    for (const child of holder.children) if (child.classList.contains("msgs")) return child;
    const inner = holder.querySelector(".msgs");
    return inner;
  }

  function jumpTo(p) {
    if (!yamlPane.hidden && p.line) { selectLine(p.line); return; }
    if (!p.anchor) { if (p.line) { showTab("yaml"); selectLine(p.line); } return; }
    const holder = formPane.querySelector(`[data-path="${cssEscape(p.anchor)}"]`);
    if (!holder) return;
    for (let d = holder.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    holder.scrollIntoView({ block: "center", behavior: "smooth" });
    const input = holder.matches("[data-edit]") ? holder : holder.querySelector("textarea, input");
    if (input) setTimeout(() => input.focus({ preventScroll: true }), 250);
    holder.classList.add("flash");
    setTimeout(() => holder.classList.remove("flash"), 1500);
  }

  function selectLine(line) {
    const lines = yamlBox.value.split("\n");
    let at = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) at += lines[i].length + 1;
    yamlBox.focus();
    yamlBox.setSelectionRange(at, at + (lines[line - 1] || "").length);
    const lineHeight = parseFloat(getComputedStyle(yamlBox).lineHeight) || 18;
    yamlBox.scrollTop = Math.max(0, (line - 5) * lineHeight);
  }

  // -- the file's state ----------------------------------------------------------------------

  let stateSeen = 0;  // how many states the page has taken (a poll answered after a newer one is old news)

  function setState(s) {
    stateSeen++;
    state = s;
    if (s.file && s.file !== file) { file = s.file; main.dataset.file = file; }
    setStatus();
    if (s.changed_on_disk) showConflict();
    else if (banner.dataset.kind === "conflict") hideBanner();
    if (s.recovery && !banner.dataset.kind) showRecovery(s.recovery);
  }

  function setStatus(editing) {
    if (editing === "editing") { statusEl.textContent = "正在更新…"; statusEl.className = "status busy"; return; }
    if (editing === "offline") { statusEl.textContent = "未连接工作台：最近的修改没有收到"; statusEl.className = "status dirty"; return; }
    if (editing === "failed" || unsent || yamlFailed) {
      statusEl.textContent = "工作台出错：最近的修改还只在本页中，没有暂存，也没有保存";
      statusEl.className = "status dirty";
      return;
    }
    if (state.dirty && state.unkept) {
      statusEl.textContent = `有未保存的修改（未能暂存：${state.unkept}。关闭本页或工作台前请先保存）`;
      statusEl.className = "status dirty";
    } else if (state.dirty) { statusEl.textContent = "有未保存的修改（已暂存，关闭页面不会丢失）"; statusEl.className = "status dirty"; }
    else { statusEl.textContent = "已保存"; statusEl.className = "status saved"; }
  }

  function hideBanner() { banner.hidden = true; banner.innerHTML = ""; delete banner.dataset.kind; }

  function showBanner(kind, text, buttons) {
    banner.dataset.kind = kind;
    banner.className = "banner " + kind;
    banner.innerHTML = "";
    const p = document.createElement("span");
    p.textContent = text;
    banner.appendChild(p);
    for (const b of buttons) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.label;
      btn.addEventListener("click", b.action);
      banner.appendChild(btn);
    }
    banner.hidden = false;
  }

  function showConflict() {
    if (banner.dataset.kind === "conflict") return;
    showBanner("conflict", "这个文件在本页打开后被其他程序或其他人修改过。为免丢失任何一方的修改，本页不会覆盖它。",
      [{ label: "重新载入（放弃本页的修改）", action: reload }, { label: "两份都保留（本页的修改另存为新文件）", action: keepBoth }]);
  }

  function showRecovery(r) {
    const note = r.disk_changed ? "（之后文件本身也被修改过，恢复后保存时会提示两份都保留）" : "";
    showBanner("recovery", `发现上次（${r.saved_at}）未保存的修改${note}。`, [
      { label: "恢复这些修改", action: () => restore(false) },
      { label: "丢弃", action: () => restore(true) },
    ]);
  }

  async function restore(discard) {
    const { body } = await api("/api/restore", { file, discard });
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    hideBanner();
    apply(body);
    toast(discard ? "已丢弃上次未保存的修改" : "已恢复上次未保存的修改（尚未保存到文件）");
  }

  async function reload() {
    const { body } = await api("/api/reload", { file });
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    hideBanner();
    apply(body);
    toast("已重新载入文件");
  }

  async function keepBoth() {
    await flush();
    const { body } = await api("/api/keep-both", { file });
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    hideBanner();
    toast(body.message);
    window.location.href = body.url;
  }

  async function save() {
    await flush();
    if (yamlTimer || yamlUnsent) { clearTimeout(yamlTimer); await sendYaml(); }
    if (unsent || yamlFailed) {
      toast("工作台还没有收到最近的修改（见上一条消息），所以没有保存；修改仍在本页中。", "error");
      return false;
    }
    const { status, body } = await api("/api/save", { file });
    if (status === 409) { showConflict(); return false; }
    if (!body || !body.ok) { toast(problemText(body), "error"); return false; }
    setState(body.state);
    toast("已保存到 " + file);
    return true;
  }

  async function poll() {
    if (document.hidden) return;
    const asked = stateSeen;
    const { status, body } = await api("/api/state?file=" + encodeURIComponent(file));
    // Asked before a save or an edit that answered first: what it says is older than the page.
    if (asked !== stateSeen) return;
    if (status === 200 && body) {
      state = Object.assign(state, body);
      setStatus();
      if (body.changed_on_disk) showConflict();
    }
  }
  setInterval(poll, 4000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) poll(); });

  // -- the YAML tab --------------------------------------------------------------------------

  function showTab(name) {
    for (const t of document.querySelectorAll(".tab")) {
      const on = t.dataset.tab === name;
      t.classList.toggle("active", on);
      t.setAttribute("aria-selected", on ? "true" : "false");
    }
    formPane.hidden = name !== "form";
    yamlPane.hidden = name !== "yaml";
    if (name === "yaml") {
      flush().then(async () => {
        const { body } = await api("/api/state?text=1&file=" + encodeURIComponent(file));
        if (body && typeof body.text === "string" && document.activeElement !== yamlBox) yamlBox.value = body.text;
      });
    }
  }
  for (const t of document.querySelectorAll(".tab")) t.addEventListener("click", () => showTab(t.dataset.tab));

  function sendYaml() {
    yamlTimer = null;
    inflight = inflight.catch(() => {}).then(async () => {
      const { status, body } = await api("/api/yaml", { file, text: yamlBox.value });
      if (status === 0 || !body) { toast(problemText(body), "error"); setStatus("offline"); return; }
      if (body.internal) { yamlFailed = true; toast(problemText(body), "error"); setStatus("failed"); return; }
      yamlUnsent = yamlFailed = false;
      delete body.text;
      apply(body);
    });
    return inflight;
  }
  yamlBox.addEventListener("input", () => {
    yamlUnsent = true;
    clearTimeout(yamlTimer);
    setStatus("editing");
    yamlTimer = setTimeout(sendYaml, 500);
  });

  // -- the form's inputs ---------------------------------------------------------------------

  function valueOf(el) {
    if (el.type === "checkbox") return el.checked;
    return el.value;
  }

  formPane.addEventListener("input", (e) => {
    const el = e.target;
    if (el.classList.contains("grow")) grow(el);
    if (!el.dataset || !el.dataset.edit) return;
    if (el.dataset.edit === "set" || el.dataset.edit === "comment") {
      queue({ op: el.dataset.edit, path: el.dataset.path, value: valueOf(el) });
    }
  });

  formPane.addEventListener("change", (e) => {
    const el = e.target;
    if (el.type === "checkbox" && el.closest("[data-edit-choices]")) { sendChoices(el.closest("[data-edit-choices]")); return; }
    if (el.type === "checkbox" || el.type === "date") {
      queue({ op: "set", path: el.dataset.path, value: valueOf(el) }, 0);
    }
  });

  formPane.addEventListener("focusin", (e) => {
    const el = e.target;
    if (el.tagName === "TEXTAREA" && el.dataset.edit === "set") {
      lastText = el;
      // A new entry's 【待填】 is selected, so that typing replaces it.
      if (el.value === "【待填】") setTimeout(() => el.select(), 0);
    }
  });

  formPane.addEventListener("click", async (e) => {
    const btn = e.target.closest("button");
    if (!btn) return;
    if (btn.dataset.gotoYaml) { showTab("yaml"); return; }
    if (btn.dataset.insertFigure) { insertFigure(btn.dataset.insertFigure); return; }
    if (btn.dataset.addFigure) { addFigure(btn); return; }
    if (btn.dataset.choiceMove) { moveChoice(btn); return; }
    const op = btn.dataset.edit;
    if (!op) return;
    if (op === "delete" && btn.closest(".entry") && btn.closest(".entry-head")) {
      const head = btn.closest(".entry").querySelector(".entry-preview");
      const what = head && head.textContent.trim() ? `“${head.textContent.trim()}”` : "这一项";
      const ok = await ask(`删除${what}？它的全部内容（含小标题、分项和表格）都会从报告中去掉。`, [
        { label: "删除", value: true, primary: true }, { label: "取消", value: false }]);
      if (!ok) return;
    }
    const edit = { op, path: btn.dataset.path };
    if (btn.dataset.kind) edit.kind = btn.dataset.kind;
    if (btn.dataset.index !== undefined) edit.index = Number(btn.dataset.index);
    if (btn.dataset.remove) edit.remove = true;
    await flush();
    await reshape(send([edit], { form: true }));
    if (op === "insert" || op === "add" || op === "heading") focusNew(btn.dataset.path, op);
  });

  async function reshape(request) {
    // While the server rebuilds the form (an entry added, moved or deleted), the fields on the
    // page still have their old places: typing into one would reach whatever the server now
    // has at that place. The form waits, faded, until its new shape is back.
    formPane.inert = true;
    formPane.classList.add("reshaping");
    try { await request; } finally { formPane.inert = false; formPane.classList.remove("reshaping"); }
  }

  function focusNew(path, op) {
    // After adding, the cursor goes to the new field.
    const holder = formPane.querySelector(`[data-path="${cssEscape(path)}"]`);
    if (!holder) return;
    const fields = holder.querySelectorAll("textarea[data-edit='set']");
    const target = op === "insert" ? fields[fields.length - 1] && lastOf(holder) : fields[0];
    if (target) { target.scrollIntoView({ block: "center" }); target.focus(); }
  }

  function lastOf(holder) {
    const items = holder.querySelectorAll(":scope > .entry, :scope .points > .point");
    const last = items[items.length - 1];
    return last ? last.querySelector("textarea[data-edit='set']") : null;
  }

  function insertFigure(name) {
    const el = lastText && document.body.contains(lastText) ? lastText : null;
    if (!el) { toast("请先点一下要插入数字的正文位置，再点“插入正文”"); return; }
    const ref = `{{ figures.${name} }}`;
    const s = el.selectionStart, t = el.selectionEnd;
    el.value = el.value.slice(0, s) + ref + el.value.slice(t);
    el.focus();
    el.setSelectionRange(s + ref.length, s + ref.length);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }

  async function addFigure(btn) {
    const row = btn.closest("tr");
    const name = row.querySelector(".new-figure-name").value.trim();
    const value = row.querySelector(".new-figure-value").value;
    const comment = row.querySelector(".new-figure-comment").value;
    await flush();
    await reshape(send([{ op: "figure", path: btn.dataset.addFigure, name, value, comment }], { form: true }));
  }

  function moveChoice(btn) {
    const li = btn.closest("li");
    const step = Number(btn.dataset.choiceMove);
    const other = step < 0 ? li.previousElementSibling : li.nextElementSibling;
    if (!other) return;
    if (step < 0) li.parentNode.insertBefore(li, other); else li.parentNode.insertBefore(other, li);
    sendChoices(li.closest("[data-edit-choices]"));
  }

  function sendChoices(box) {
    const values = Array.from(box.querySelectorAll("li")).filter((li) => li.querySelector("input").checked).map((li) => li.dataset.value);
    flush().then(() => reshape(send([{ op: "choices", path: box.dataset.editChoices, value: values }], { form: true })));
  }

  // -- text areas that fit their text --------------------------------------------------------

  function grow(el) {
    el.style.height = "auto";
    el.style.height = el.scrollHeight + 2 + "px";
  }
  function growAll() { for (const el of formPane.querySelectorAll("textarea.grow")) grow(el); }

  function cssEscape(s) { return window.CSS && CSS.escape ? CSS.escape(s) : s.replace(/["\\]/g, "\\$&"); }

  // -- the top bar ---------------------------------------------------------------------------

  document.getElementById("save").addEventListener("click", save);
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); save(); }
  });

  for (const btn of document.querySelectorAll("[data-deliver]")) {
    btn.addEventListener("click", () => deliver(btn.dataset.deliver, false));
  }

  async function deliver(kind, force, asNew) {
    await flush();
    if (state.dirty && !(await save())) return;
    toast("正在生成…");
    const { status, body } = await api("/api/deliver", { file, kind, force, as_new: asNew });
    if (status === 409 && body && body.guarded) {
      const choice = await ask(problemText(body), [
        { label: "覆盖（原文件先备份）", value: "force", primary: true },
        { label: `另存为 ${body.as_new}`, value: "new" }, { label: "取消", value: "" }]);
      if (choice === "force") deliver(kind, true);
      if (choice === "new") deliver(kind, false, true);
      return;
    }
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    download(body.file);
    toast(body.message);
  }

  document.getElementById("next-year").addEventListener("click", async () => {
    await flush();
    if (state.dirty && !(await save())) return;
    const { body } = await api("/api/next-year", { file });
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    window.location.href = body.url;
  });

  // Closing the tab: what is still being typed goes to the server (kept in the recovery file).
  window.addEventListener("pagehide", () => {
    if (!pending.size) return;
    const edits = Array.from(pending.values());
    pending = new Map();
    navigator.sendBeacon("/api/edit", new Blob([JSON.stringify({ file, edits })], { type: "application/json" }));
  });

  // -- start ---------------------------------------------------------------------------------

  const initial = JSON.parse(document.getElementById("initial").textContent);
  growAll();
  apply(initial);
  if (initial.yaml_ok === false) showTab("yaml");
})();
