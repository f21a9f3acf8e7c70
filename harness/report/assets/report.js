// bioeval report: sorting, filters and the drill-down to single examples. No network.
"use strict";
(function () {
  const samples = JSON.parse(document.getElementById("bioeval-samples").textContent);

  function cellValue(row, index) {
    const cell = row.children[index];
    const text = cell ? cell.textContent.trim() : "";
    const number = parseFloat(text);
    return { text: text, number: isNaN(number) ? null : number };
  }

  function sortTable(table, index, header) {
    const body = table.tBodies[0];
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const rows = Array.from(body.rows);
    rows.sort(function (a, b) {
      const x = cellValue(a, index), y = cellValue(b, index);
      let order;
      if (x.number !== null && y.number !== null) order = x.number - y.number;
      else if (x.number !== null) order = -1;
      else if (y.number !== null) order = 1;
      else order = x.text.localeCompare(y.text);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.addEventListener("click", function () { sortTable(table, index, th); });
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sortTable(table, index, th); });
    });
  });

  function selected(name) {
    const select = document.getElementById("filter-" + name);
    return select ? select.value : "";
  }

  function applyFilters() {
    const model = selected("model"), task = selected("task"), prompt = selected("prompt"),
      family = selected("family");
    document.querySelectorAll("#leaderboard tbody tr").forEach(function (tr) {
      const m = tr.dataset.model;
      tr.classList.toggle("hidden", Boolean(model && m && m !== model));
    });
    document.querySelectorAll("#leaderboard [data-task]").forEach(function (cell) {
      const t = cell.dataset.task;
      cell.classList.toggle("hidden", Boolean(task && t && t !== task));
    });
    document.querySelectorAll("section.ptable").forEach(function (section) {
      section.classList.toggle("hidden", Boolean(task && section.dataset.task !== task));
      section.querySelectorAll("tbody tr").forEach(function (tr) {
        const hide = (prompt && tr.dataset.prompt !== prompt) || (family && tr.dataset.family !== family);
        tr.classList.toggle("hidden", Boolean(hide));
      });
      const headers = section.querySelectorAll("thead th");
      section.querySelectorAll("tbody td[data-model]").forEach(function (td) {
        td.classList.toggle("hidden", Boolean(model && td.dataset.model !== model));
      });
      headers.forEach(function (th, index) {
        if (index > 2) th.classList.toggle("hidden", Boolean(model && th.textContent !== model));
      });
    });
    document.querySelectorAll("#choices tbody tr").forEach(function (tr) {
      const m = tr.children[0].textContent, t = tr.children[1].textContent;
      tr.classList.toggle("hidden", Boolean((model && m !== model) || (task && t !== task)));
    });
  }
  document.querySelectorAll("#filters select").forEach(function (s) { s.addEventListener("change", applyFilters); });

  function show(value) {
    if (value === null || value === undefined) return "";
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  function element(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function choicesText(choices, logliks) {
    return choices.map(function (c, i) {
      return c + (i < logliks.length ? "  (" + logliks[i].toFixed(3) + ")" : "");
    }).join("\n");
  }

  function openUnit(key) {
    const unit = samples[key];
    if (!unit) return;
    document.getElementById("drill-title").textContent = unit.model + " / " + unit.task + " / " + unit.prompt;
    document.getElementById("drill-note").textContent = unit.rows.length < unit.total
      ? "showing the first " + unit.rows.length + " of " + unit.total + " examples (--max-examples)"
      : unit.total + " examples";
    const table = element("table");
    table.id = "examples";
    const head = table.createTHead().insertRow();
    ["id", "rendered input", "raw output", "parsed prediction", "gold", "answer choices (log-likelihood)", "error"]
      .forEach(function (h) { head.appendChild(element("th", h)); });
    const body = table.createTBody();
    unit.rows.forEach(function (r) {
      const tr = body.insertRow();
      const right = show(r[3]) === show(r[4]);
      [r[0], r[1], r[2], show(r[3]), show(r[4]), choicesText(r[5], r[6]), r[7] || ""].forEach(function (v, i) {
        const td = tr.insertCell();
        td.appendChild(element("pre", v === null ? "(template failed)" : v));
        if (i === 3) td.className = right ? "right" : "wrong";
      });
    });
    const holder = document.getElementById("drill-body");
    holder.replaceChildren(table);
    document.getElementById("drilldown").hidden = false;
  }

  document.querySelectorAll("button.drill").forEach(function (b) {
    b.addEventListener("click", function () { openUnit(b.dataset.unit); });
  });
  document.getElementById("drill-close").addEventListener("click", function () {
    document.getElementById("drilldown").hidden = true;
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") document.getElementById("drilldown").hidden = true;
  });

  // a link to one example (the examples most often wrong) opens its entry
  function openLinkedExample() {
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if (target && target.tagName === "DETAILS") target.open = true;
  }
  window.addEventListener("hashchange", openLinkedExample);
  openLinkedExample();
})();
