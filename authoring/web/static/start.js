/* The start page: new report, open one, import last year's Word file. */
"use strict";
(() => {
  const { api, toast, problemText, upload } = Workbench;
  const year = document.getElementById("new-year");
  const name = document.getElementById("new-name");
  year.addEventListener("input", () => { name.placeholder = `report-${year.value}.yaml`; });

  document.getElementById("new-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const { body } = await api("/api/new", {
      agency: document.getElementById("new-agency").value.trim(),
      year: Number(year.value),
      name: name.value.trim() || name.placeholder,
    });
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    window.location.href = body.url;
  });

  document.getElementById("open-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const path = document.getElementById("open-path").value.trim();
    if (path) window.location.href = "/edit?file=" + encodeURIComponent(path);
  });

  const drop = document.getElementById("import-drop");
  const input = document.getElementById("import-file");
  async function send(file) {
    toast(`正在导入 ${file.name}…`);
    const figures = document.getElementById("import-figures").checked ? "1" : "";
    const { body } = await upload("/api/import?figures=" + figures, file);
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    window.location.href = body.url;
  }
  document.getElementById("import-path-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const path = document.getElementById("import-path").value.trim();
    if (!path) return;
    toast(`正在导入 ${path}…`);
    const figures = document.getElementById("import-figures").checked ? "1" : "";
    const { body } = await api(`/api/import?figures=${figures}&path=${encodeURIComponent(path)}`, {});
    if (!body || !body.ok) { toast(problemText(body), "error"); return; }
    window.location.href = body.url;
  });
  input.addEventListener("change", () => { if (input.files[0]) send(input.files[0]); });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]);
  });
})();
