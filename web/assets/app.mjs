// Enhancements on top of pages that work without JavaScript.
import { initAll } from "./govuk-frontend.min.js";

initAll();

const body = document.body;
const csrfToken = body.dataset.csrfToken;

// GOV.UK Frontend marks a radio that reveals a question aria-expanded, which ARIA does not allow on a radio (axe's
// aria-allowed-attr, critical; alphagov/govuk-frontend#979). The revealed question follows the radio in reading order,
// so the attribute is dropped each time the reveal sets it.
const dropExpanded = (input) => input.type === "radio" && input.removeAttribute("aria-expanded");
document.querySelectorAll("input[aria-expanded]").forEach(dropExpanded);
new MutationObserver((changes) => changes.forEach((change) => change.target.hasAttribute("aria-expanded") && dropExpanded(change.target)))
  .observe(body, { subtree: true, attributeFilter: ["aria-expanded"] });

async function post(url, data) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "X-CSRF-Token": csrfToken },
    body: data,
  });
  return response.ok;
}

// Autosave: a form marked data-autosave-url is saved as a draft a few seconds after each change, so
// nothing typed is lost if the session ends. (Without JavaScript, the form's "Save as draft" button and
// the sign-in-again path keep the work instead.)
for (const form of document.querySelectorAll("form[data-autosave-url]")) {
  const status = form.querySelector("[data-autosave-status]");
  let timer;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const saved = await post(form.dataset.autosaveUrl, new URLSearchParams(new FormData(form)));
      if (status) {
        status.textContent = saved ? `Draft saved at ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}` : "";
      }
    }, 3000);
  });
}

// Session timeout warning (GOV.UK pattern): a modal dialog some minutes before the session ends, with a
// way to stay signed in. At the end the browser goes to the sign-in page, which says why.
const dialog = document.getElementById("timeout-dialog");
if (dialog && body.dataset.sessionSeconds) {
  const sessionMs = Number(body.dataset.sessionSeconds) * 1000;
  const warnMs = Number(body.dataset.warnSeconds) * 1000;
  const countdown = dialog.querySelector("[data-countdown]");
  let warnTimer, endTimer, tick;

  const minutesLeft = (endsAt) => Math.max(0, Math.ceil((endsAt - Date.now()) / 60000));
  const schedule = () => {
    clearTimeout(warnTimer); clearTimeout(endTimer); clearInterval(tick);
    const endsAt = Date.now() + sessionMs;
    warnTimer = setTimeout(() => {
      const update = () => {
        const left = minutesLeft(endsAt);
        countdown.textContent = `${left} minute${left === 1 ? "" : "s"}`;
      };
      update();
      tick = setInterval(update, 15000);
      dialog.showModal();
    }, sessionMs - warnMs);
    endTimer = setTimeout(() => {
      window.location.assign(`/sign-in?timed_out=1&next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }, sessionMs);
  };

  const staySignedIn = async () => {
    if (await post("/session/extend", new URLSearchParams())) {
      dialog.close();
      schedule();
    }
  };
  dialog.querySelector("[data-stay-signed-in]").addEventListener("click", staySignedIn);
  // Esc means "not now", not "sign me out": it keeps the session as "Stay signed in" does (GOV.UK's timeout pattern).
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // open until the session is extended (where the browser lets the dialog stay)
    staySignedIn();
  });
  schedule();
}
