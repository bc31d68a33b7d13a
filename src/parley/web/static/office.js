// The office and handover-site pages' actions: each is a request signed in this browser with
// the party's own key (signing.js) and sent to the server's /v1, as the CLI sends it. Nothing
// here is inline (the Content-Security-Policy allows our own scripts only); every text shown is
// set as text, never as markup.
"use strict";

(function () {
  const S = window.ParleySigning;
  const encoder = new TextEncoder();

  function message(key) {
    const holder = document.getElementById("messages");
    const found = holder && holder.content.querySelector('[data-key="' + key + '"]');
    return found ? found.textContent : key;
  }

  // The signed-in party: the element's own data-party (a form may carry it), else the page's.
  function party(element) {
    const own = element && element.closest("[data-party]");
    if (own && own.dataset.party) {
      return own.dataset.party;
    }
    const office = document.getElementById("office");
    return office ? office.dataset.party : "";
  }

  // Say how an action went: state "pending" (sent, no answer yet), "ok" or "failed".
  function tell(text, state) {
    const outcome = document.getElementById("outcome");
    if (!outcome) {
      return;
    }
    outcome.textContent = text;
    outcome.classList.toggle("pending", state === "pending");
    outcome.classList.toggle("notice", state === "ok");
    outcome.classList.toggle("refusal", state === "failed");
  }

  function refusalText(reply) {
    // the refusal in the page's language (`said`), else the server's English sentence
    const detail = reply.data && (reply.data.said || reply.data.detail);
    const text = typeof detail === "string" ? detail : "HTTP " + reply.status;
    return message("refused") + " " + text;
  }

  // Ask before recording: a modal dialog (keyboard and touch alike); true if confirmed.
  function confirmed(question) {
    const dialog = document.getElementById("confirm");
    if (!question || !dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(!question || window.confirm(question));
    }
    dialog.querySelector("#confirm-question").textContent = question;
    return new Promise((resolve) => {
      const buttons = dialog.querySelectorAll("button");
      const answer = (value) => {
        buttons.forEach((b) => b.removeEventListener("click", b.parleyAnswer));
        dialog.removeEventListener("cancel", onCancel);
        dialog.close();
        resolve(value);
      };
      const onCancel = (event) => {
        event.preventDefault();
        answer(false);
      };
      buttons.forEach((b) => {
        b.parleyAnswer = () => answer(b.value === "yes");
        b.addEventListener("click", b.parleyAnswer);
      });
      dialog.addEventListener("cancel", onCancel);
      dialog.showModal();
      dialog.querySelector("button.confirm").focus();
    });
  }

  async function hashOf(text) {
    const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  async function bodyOf(button) {
    if (button.dataset.body) {
      return JSON.parse(button.dataset.body);
    }
    if (button.dataset.bodyFrom) {
      return JSON.parse(document.getElementById(button.dataset.bodyFrom).textContent);
    }
    if (button.dataset.agreementText) {
      const text = document.getElementById(button.dataset.agreementText).textContent;
      return { text_sha256: await hashOf(text) };
    }
    return undefined;
  }

  async function partyKey(element) {
    if (!window.crypto || !crypto.subtle) {
      throw new Error(message("no-webcrypto"));
    }
    const id = party(element);
    const key = id ? await S.loadKey(id) : null;
    if (!key) {
      throw new Error(message("no-key"));
    }
    return key;
  }

  // Send one signed request; the server's reply, or an Error saying why not.
  async function signedRequest(method, path, value, element) {
    const key = await partyKey(element);
    tell(message("signing"), "pending");
    try {
      return await key.request(method, path, value);
    } catch (e) {
      throw new Error(message("unreachable"));
    }
  }

  async function act(button) {
    if (!(await confirmed(button.dataset.confirm))) {
      return;
    }
    button.disabled = true;
    try {
      const reply = await signedRequest(
        button.dataset.sign,
        button.dataset.path,
        await bodyOf(button),
        button,
      );
      if (!reply.ok) {
        tell(refusalText(reply), "failed");
        return;
      }
      if (button.dataset.next !== undefined) {
        window.location.assign(button.dataset.next || window.location.href);
      }
      tell(message("done"), "ok");
    } catch (e) {
      tell(e.message, "failed");
    } finally {
      button.disabled = false;
    }
  }

  function persons(text) {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line)
      .map((line) => {
        const slash = line.indexOf("/");
        return { party: line.slice(0, slash), record: line.slice(slash + 1) };
      });
  }

  // The lists as chosen: each person's choice in the tables, and those written by reference.
  async function submitLists(form) {
    const body = {
      must_include: persons(form.elements.must_include.value),
      veto: persons(form.elements.veto.value),
    };
    form.querySelectorAll("input[type=radio][data-ref]:checked").forEach((choice) => {
      const list = { must: body.must_include, veto: body.veto }[choice.value];
      if (list) {
        list.push(persons(choice.dataset.ref)[0]);
      }
    });
    try {
      const reply = await signedRequest("POST", form.dataset.signLists, body, form);
      tell(reply.ok ? message("done") : refusalText(reply), reply.ok ? "ok" : "failed");
    } catch (e) {
      tell(e.message, "failed");
    }
  }

  // A monitor's report (its form on /monitor): the fields as /v1 takes them, signed here.
  async function submitReport(form) {
    const fields = form.elements;
    const path = form.dataset.signedPath.replace("{commitment}", S.segment(fields.commitment.value));
    const body = {
      kind: fields.kind.value,
      place: fields.place.value,
      observed_on: fields.observed_on.value,
      text: fields.text.value,
    };
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const reply = await signedRequest("POST", path, body, form);
      if (reply.ok) {
        window.location.assign(window.location.pathname);
        tell(message("done"), "ok");
      } else {
        tell(refusalText(reply), "failed");
      }
    } catch (e) {
      tell(e.message, "failed");
    } finally {
      button.disabled = false;
    }
  }

  // --- the sign-in page ---

  async function showKey(key) {
    document.getElementById("verifier").textContent = key.verifierKey;
    document.getElementById("fingerprint").textContent = await key.fingerprint();
    document.getElementById("register-command").textContent =
      "parley party add " + key.party + " --key " + key.verifierKey;
    document.getElementById("key-shown").hidden = false;
  }

  function setUpSignIn(form) {
    const partyField = form.elements.party;
    document.getElementById("make-key").addEventListener("click", async () => {
      if (!partyField.reportValidity()) {
        return;
      }
      try {
        await showKey(await S.makeKey(partyField.value.trim()));
      } catch (e) {
        tell(message("no-webcrypto") + " (" + e.message + ")", "failed");
      }
    });
    document.getElementById("import-key").addEventListener("click", async () => {
      const file = document.getElementById("key-file").files[0];
      if (!partyField.reportValidity() || !file) {
        return;
      }
      try {
        await showKey(await S.importKey(partyField.value.trim(), await file.text()));
      } catch (e) {
        tell(message("refused") + " " + e.message, "failed");
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const id = partyField.value.trim();
      const key = await S.loadKey(id);
      if (!key) {
        tell(message("no-key"), "failed");
        return;
      }
      await showKey(key);
      try {
        const reply = await key.request("POST", "/office/sign-in", { party: id });
        if (reply.ok) {
          window.location.assign(reply.data.next);
        } else {
          tell(refusalText(reply), "failed");
        }
      } catch (e) {
        tell(message("unreachable"), "failed");
      }
    });
    S.keptParties().then((kept) => {
      if (kept.length === 1 && !partyField.value) {
        partyField.value = kept[0];
      }
    });
  }

  async function showBrowserKey(shown) {
    const registered = document.getElementById("registered-key").textContent.trim();
    const key = party(shown) ? await S.loadKey(party(shown)) : null;
    const same = key !== null && key.keyid === registered;
    shown.textContent = same ? shown.dataset.match : shown.dataset.mismatch;
    shown.classList.toggle("notice", same);
    shown.classList.toggle("refusal", !same);
  }

  // The step is on the log: the row says its new state (the button's own words) and offers no
  // more steps until the page is refreshed, so a step costs one small request on a slow link.
  function recorded(button) {
    const person = button.closest(".person");
    person.querySelector(".state").textContent = button.textContent.trim();
    person.querySelector(".steps").remove();
    person.classList.add("recorded");
  }

  // A step at the handover site: the question from the page's one pattern, the person from the
  // button's row; a side's step is signed here and sent, the mediator's posts its form.
  async function step(button) {
    const batch = document.getElementById("batch");
    const row = button.closest("[data-person]");
    const who = button.closest(".person").querySelector(".person-name .name");
    const question = batch.dataset.ask
      .replace("{name}", who ? who.textContent : row.dataset.person)
      .replace("{state}", button.textContent.trim());
    if (!(await confirmed(question))) {
      return;
    }
    if (!batch.dataset.path) {
      button.form.dataset.confirmed = "yes";
      button.form.requestSubmit(button);
      return;
    }
    const [party, ...record] = row.dataset.person.split("/");
    const body = {
      persons: [{ party: party, record: record.join("/") }],
      to: button.dataset.step,
      note: "",
    };
    button.disabled = true;
    try {
      const reply = await signedRequest("POST", batch.dataset.path, body, batch);
      if (!reply.ok) {
        tell(refusalText(reply), "failed");
        return;
      }
      recorded(button);
      tell(message("done"), "ok");
    } catch (e) {
      tell(e.message, "failed");
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-sign]");
    if (button) {
      event.preventDefault();
      act(button);
      return;
    }
    const tapped = event.target.closest("button[data-step]");
    if (tapped && !(tapped.form && tapped.form.dataset.confirmed)) {
      event.preventDefault();
      step(tapped);
    }
  });

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (form.dataset.signLists) {
      event.preventDefault();
      submitLists(form);
      return;
    }
    if (form.dataset.signedPath) {
      event.preventDefault();
      if (form.reportValidity()) {
        submitReport(form);
      }
      return;
    }
    const submitter = event.submitter;
    if (submitter && submitter.dataset.confirm && !form.dataset.confirmed) {
      event.preventDefault();
      if (await confirmed(submitter.dataset.confirm)) {
        form.dataset.confirmed = "yes";
        form.requestSubmit(submitter);
      }
    }
  });

  const signIn = document.getElementById("key-form");
  if (signIn) {
    setUpSignIn(signIn);
  }
  const browserKey = document.getElementById("browser-key");
  if (browserKey) {
    showBrowserKey(browserKey);
  }
})();
