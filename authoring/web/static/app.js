/* The workbench's shared helpers: requests to the server, messages, dialogs.
   Hand-written, no build step, no network beyond this server. */
"use strict";

const Workbench = (() => {
  /** A JSON request to this server; resolves to {status, body}. */
  async function api(url, payload, options) {
    const init = Object.assign({ method: payload === undefined ? "GET" : "POST", headers: {} }, options || {});
    if (payload !== undefined && !(payload instanceof Blob) && !(payload instanceof ArrayBuffer)) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(payload);
    } else if (payload !== undefined) {
      init.body = payload;
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      return { status: 0, body: { ok: false, problems: [{ severity: "error", text: "无法连接工作台：它可能已经关闭。请重新运行 authoring serve，打开它打印的地址：此前的修改已暂存，打开后可以恢复；工作台关闭之后在本页输入的内容没有收到，请在新页面中重新输入。" }] } };
    }
    let body = null;
    const type = response.headers.get("content-type") || "";
    try {
      if (type.includes("application/json")) body = await response.json();
      else body = { ok: response.ok, problems: [{ severity: "error", text: (await response.text()).replace(/<[^>]+>/g, " ").trim() }] };
    } catch (err) {
      // The answer was cut short (the server failed while sending it): said as a failure of the
      // server, so that the page keeps what was typed and sends it again.
      body = { ok: false, internal: true, problems: [{ severity: "error", text: "工作台的回答不完整（处理这次操作时出错）；本页中输入的内容还在页面上，会随下一次修改再发送。请在工作台的窗口中查看错误信息。" }] };
    }
    return { status: response.status, body };
  }

  let toastTimer = null;
  /** A short message at the bottom of the page. */
  function toast(text, kind) {
    const el = document.getElementById("toast");
    el.textContent = text;
    el.className = "toast " + (kind || "");
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, kind === "error" ? 9000 : 4000);
  }

  /** A question with buttons; resolves to the chosen button's value. */
  function ask(text, buttons) {
    return new Promise((resolve) => {
      const box = document.getElementById("dialog");
      box.querySelector(".dialog-text").textContent = text;
      const row = box.querySelector(".dialog-buttons");
      row.innerHTML = "";
      for (const b of buttons) {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.label;
        if (b.primary) btn.className = "primary";
        btn.addEventListener("click", () => { box.hidden = true; resolve(b.value); });
        row.appendChild(btn);
      }
      box.hidden = false;
      row.querySelector("button").focus();
    });
  }

  /** The messages of a failed request, one a line. */
  function problemText(body) {
    return ((body && body.problems) || []).map((p) => p.text || p.message).join("\n") || "操作失败";
  }

  /** Download a file the server wrote into the report's folder. */
  function download(name) {
    const a = document.createElement("a");
    a.href = "/download?file=" + encodeURIComponent(name);
    a.download = name.split("/").pop();
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  /** Send a file's bytes; the name travels in a header (percent-encoded). */
  function upload(url, file) {
    return api(url, file, { headers: { "x-filename": encodeURIComponent(file.name) } });
  }

  return { api, toast, ask, problemText, download, upload };
})();
