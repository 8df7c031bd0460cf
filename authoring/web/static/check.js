/* The 检查 page: each dropped file goes to the server, which checks it as `authoring check`
   does; one row per file, the details (parts and findings with their place) under it. */
"use strict";
(() => {
  const { toast, problemText, upload } = Workbench;
  const columns = JSON.parse(document.getElementById("check-columns").textContent);
  const table = document.getElementById("summary");
  const body = table.querySelector("tbody");
  const progress = document.getElementById("check-progress");
  const batch = Math.random().toString(36).slice(2);
  let queue = [];
  let running = 0;
  let done = 0;
  let total = 0;

  function cell(row, text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function placeholder(file) {
    // A row for each file as it is dropped, so that rows stay in the order the files came.
    const tr = document.createElement("tr");
    tr.className = "pending-row";
    const td = document.createElement("td");
    td.colSpan = 5 + columns.length;
    td.textContent = `${file.name}　检查中…`;
    tr.appendChild(td);
    body.appendChild(tr);
    table.hidden = false;
    return tr;
  }

  function addRow(r, slot) {
    const tr = document.createElement("tr");
    tr.className = "file-row";
    tr.dataset.file = r.file;
    cell(tr, r.file);
    cell(tr, r.unreadable ? "无法读取" : (r.agency || "（未识别）"));
    cell(tr, r.year || "");
    for (const [key] of columns) {
      const mark = r.marks[key];
      cell(tr, mark, "mark " + (mark === "✓" ? "yes" : "no"));
    }
    cell(tr, String(r.errors), r.errors ? "no" : "");
    cell(tr, String(r.warnings));
    const details = document.createElement("tr");
    details.className = "details";
    const td = document.createElement("td");
    td.colSpan = 5 + columns.length;
    td.appendChild(describe(r));
    details.appendChild(td);
    tr.addEventListener("click", () => { details.hidden = !details.hidden; });
    slot.replaceWith(tr);
    tr.after(details);
    // The details of the table's top row are open, whichever file the server finished first
    // (two are checked at once): the rows keep the order the files came in, so must this.
    const top = body.querySelector("tr.file-row, tr.pending-row, tr.error-row");
    details.hidden = top !== tr;
  }

  function describe(r) {
    const box = document.createElement("div");
    if (!r.unreadable) {
      const parts = document.createElement("div");
      parts.textContent = "组成部分：";
      const ul = document.createElement("ul");
      for (const p of r.parts) {
        const li = document.createElement("li");
        li.className = "part";
        li.textContent = `✓ ${p.label}${p.form_label ? "（" + p.form_label + "）" : ""}　${p.place}　${p.heading}`;
        ul.appendChild(li);
      }
      for (const m of r.missing_labels) {
        const li = document.createElement("li");
        li.className = "error";
        li.textContent = `✗ ${m}　缺少`;
        ul.appendChild(li);
      }
      parts.appendChild(ul);
      box.appendChild(parts);
    }
    if (r.findings.length) {
      const ul = document.createElement("ul");
      for (const f of r.findings) {
        const li = document.createElement("li");
        li.className = f.severity;
        li.textContent = `${f.severity_label}　${f.place ? f.place + "　" : ""}${f.message}`;
        ul.appendChild(li);
      }
      box.appendChild(ul);
    } else {
      const p = document.createElement("p");
      p.textContent = "没有发现问题。";
      box.appendChild(p);
    }
    return box;
  }

  async function next() {
    while (queue.length && running < 2) {
      const [file, slot] = queue.shift();
      running++;
      upload("/api/check?batch=" + batch, file).then(({ body: res }) => {
        running--;
        done++;
        if (res && res.ok) addRow(res.report, slot);
        else { slot.firstChild.textContent = `${file.name}：${problemText(res)}`; slot.className = "error-row"; }
        progress.textContent = done < total ? `已检查 ${done} / ${total} 份…` : `共检查 ${total} 份报告。点一行查看详情。`;
        for (const b of document.querySelectorAll("[data-summary]")) b.disabled = done === 0;
        next();
      });
    }
  }

  function add(files) {
    for (const f of files) { queue.push([f, placeholder(f)]); total++; }
    progress.textContent = `已检查 ${done} / ${total} 份…`;
    next();
  }

  const drop = document.getElementById("check-drop");
  const input = document.getElementById("check-files");
  input.addEventListener("change", () => { add(Array.from(input.files)); input.value = ""; });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); add(Array.from(e.dataTransfer.files)); });

  for (const button of document.querySelectorAll("[data-summary]")) {
    const fmt = button.dataset.summary;
    button.addEventListener("click", () => {
      const a = document.createElement("a");
      a.href = `/api/check/summary?batch=${batch}&format=${fmt}`;
      a.download = `检查汇总.${fmt}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }
})();
