// cofinance studio: the workshop recomputes as soon as a control changes.
// Without this script the form still works (its "Recalculer" button sends it).
"use strict";

// Incertitudes: say that the draws are being computed (the browser's Stop, or Escape, cancels).
(function () {
  const form = document.getElementById("incertitudes");
  const status = document.getElementById("etat-incertitudes");
  if (!form || !status) {
    return;
  }
  form.addEventListener("submit", function () {
    const draws = document.getElementById("tirages").value;
    status.textContent = "Tirage au sort de " + draws + " calculs en cours…";
  });
})();

(function () {
  const form = document.getElementById("atelier");
  if (!form) {
    return;
  }
  const status = document.getElementById("etat");
  let pending = null;
  let timer = null;

  // The form's state as a query string: controls left empty or at their default
  // (data-default) are left out, so that the address holds only what was changed.
  function query() {
    const params = new URLSearchParams();
    for (const control of form.elements) {
      if (!control.name || control.disabled) {
        continue;
      }
      const value = String(control.value).trim();
      if (value !== "" && value !== control.dataset.default) {
        params.append(control.name, value);
      }
    }
    return params.toString();
  }

  async function recompute() {
    const q = query();
    const url = "/atelier" + (q ? "?" + q : "");
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    status.textContent = "Calcul en cours…";
    const started = performance.now();
    try {
      const response = await fetch(url, { signal: pending.signal, headers: { Accept: "text/html" } });
      const text = await response.text();
      const page = new DOMParser().parseFromString(text, "text/html");
      if (!response.ok) {
        const problem = page.getElementById("probleme");
        status.textContent = problem ? problem.textContent : "Requête refusée (" + response.status + ").";
        status.classList.add("problem");
        return;
      }
      const fresh = page.getElementById("resultats");
      const current = document.getElementById("resultats");
      if (fresh && current) {
        current.replaceWith(document.adoptNode(fresh));
      }
      history.replaceState(null, "", url);
      status.classList.remove("problem");
      status.textContent = "Recalculé en " + Math.round(performance.now() - started) + " ms.";
      document.body.dataset.calculs = String(Number(document.body.dataset.calculs || "0") + 1);
    } catch (error) {
      if (error.name !== "AbortError") {
        status.textContent = "Le calcul n'a pas abouti : " + error.message;
        status.classList.add("problem");
      }
    }
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    recompute();
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName === "INPUT") {
      clearTimeout(timer);
      timer = setTimeout(recompute, 400);
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    recompute();
  });
})();
