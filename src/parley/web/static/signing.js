// A party's signing key in its own browser, and its requests signed as the CLI signs them.
//
// The key is an Ed25519 key made by WebCrypto, not extractable: the browser can sign with it but
// no script (ours included) can read its private half, and it never leaves this machine. It is
// kept in this browser's IndexedDB under the party's id (made here, or brought from the file
// `parley key init` wrote). Its verifier key (the raw public key in
// hex) is registered like any party's (`parley party add UA --key …`).
//
// Each request is signed in RFC 9421's form with the very signature base the server checks
// (parley.log.command): "@method", "@path" and the RFC 9530 Content-Digest of the body (RFC 8785
// canonical JSON), created, a nonce and the key id; label "parley", algorithm ed25519.
"use strict";

(function (global) {
  const LABEL = "parley";
  const ALG = "ed25519";
  const COVERED = '("@method" "@path" "content-digest")';
  const DB_NAME = "parley";
  const STORE = "keys";
  const NONCE_BYTES = 16;

  const encoder = new TextEncoder();

  function hex(bytes) {
    return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function base64(bytes) {
    let text = "";
    for (const b of new Uint8Array(bytes)) {
      text += String.fromCharCode(b);
    }
    return btoa(text);
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  // RFC 8785: ECMAScript's own serialisation of each value, object members sorted by their
  // names' UTF-16 code units (what Array.prototype.sort compares), no white space.
  function canonicalJson(value) {
    if (value === null || typeof value === "boolean" || typeof value === "string") {
      return JSON.stringify(value);
    }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) {
        throw new TypeError("a signed body holds no NaN or infinite number");
      }
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) {
      return "[" + value.map((v) => canonicalJson(v === undefined ? null : v)).join(",") + "]";
    }
    if (typeof value === "object") {
      const names = Object.keys(value).filter((k) => value[k] !== undefined).sort();
      return "{" + names.map((k) => JSON.stringify(k) + ":" + canonicalJson(value[k])).join(",") + "}";
    }
    throw new TypeError("a signed body is JSON: no " + typeof value);
  }

  function commandBody(value) {
    return value === undefined || value === null ? new Uint8Array(0) : encoder.encode(canonicalJson(value));
  }

  async function contentDigest(body) {
    return "sha-256=:" + base64(await sha256(body)) + ":";
  }

  // One path segment as the CLI quotes it (Python's urllib.parse.quote(text, safe="")):
  // everything but letters, digits and "_.-~" percent-encoded as UTF-8.
  function segment(text) {
    return encodeURIComponent(text).replace(
      /[!'()*]/g,
      (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase(),
    );
  }

  function signatureParams(created, nonce, keyid) {
    return COVERED + ";created=" + created + ';nonce="' + nonce + '";keyid="' + keyid + '";alg="' + ALG + '"';
  }

  // RFC 9421 §2.5: one line per covered component, then "@signature-params", no final newline.
  function signatureBase(method, path, digest, params) {
    return [
      '"@method": ' + method,
      '"@path": ' + path,
      '"content-digest": ' + digest,
      '"@signature-params": ' + params,
    ].join("\n");
  }

  function newNonce() {
    return hex(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
  }

  // The log's key id: hex of the first 8 bytes of SHA-256 of the raw public key.
  async function keyId(publicRaw) {
    return hex(await sha256(publicRaw)).slice(0, 16);
  }

  // What the party and the mediator read to each other: the first 16 bytes of the same hash in
  // eight groups of four hex digits (parley.app.keys.fingerprint).
  async function fingerprint(publicRaw) {
    const digits = hex(await sha256(publicRaw)).slice(0, 32);
    return digits.match(/.{4}/g).join(" ");
  }

  function openStore(mode) {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(DB_NAME, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const db = opening.result;
        const tx = db.transaction(STORE, mode);
        tx.oncomplete = () => db.close();
        tx.onabort = () => db.close();
        resolve(tx.objectStore(STORE));
      };
    });
  }

  function done(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  class PartyKey {
    constructor(party, pair, publicRaw, id) {
      this.party = party;
      this.pair = pair;
      this.publicRaw = publicRaw;
      this.keyid = id;
    }

    get verifierKey() {
      return hex(this.publicRaw);
    }

    fingerprint() {
      return fingerprint(this.publicRaw);
    }

    // The three fields of a signed request, as the CLI sends them.
    async sign(method, path, body, options) {
      const opts = options || {};
      const created = opts.created === undefined ? Math.floor(Date.now() / 1000) : opts.created;
      const nonce = opts.nonce === undefined ? newNonce() : opts.nonce;
      const digest = await contentDigest(body);
      const params = signatureParams(created, nonce, this.keyid);
      const base = encoder.encode(signatureBase(method, path, digest, params));
      const signature = await crypto.subtle.sign({ name: "Ed25519" }, this.pair.privateKey, base);
      return {
        "Content-Digest": digest,
        "Signature-Input": LABEL + "=" + params,
        Signature: LABEL + "=:" + base64(signature) + ":",
      };
    }

    // Sign and send one request with a JSON body (or none); the server's answer as
    // {status, ok, data} (data: the parsed JSON, or null).
    async request(method, path, value) {
      const body = commandBody(value);
      const headers = await this.sign(method, path, body);
      headers["Content-Type"] = "application/json";
      const reply = await fetch(path, {
        method: method,
        headers: headers,
        body: body.length ? body : undefined,
        credentials: "same-origin",
        cache: "no-store",
      });
      let data = null;
      try {
        data = await reply.json();
      } catch (e) {
        data = null;
      }
      return { status: reply.status, ok: reply.ok, data: data };
    }
  }

  async function fromPair(party, pair) {
    const publicRaw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    return new PartyKey(party, pair, publicRaw, await keyId(publicRaw));
  }

  // The party's key kept in this browser, or null.
  async function loadKey(party) {
    const kept = await done((await openStore("readonly")).get(party));
    return kept ? fromPair(party, kept.pair) : null;
  }

  // The party's key kept in this browser; made (and kept) if there is none. An existing key is
  // never replaced, as `parley key init` never overwrites one.
  async function makeKey(party) {
    const existing = await loadKey(party);
    if (existing) {
      return existing;
    }
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    const store = await openStore("readwrite");
    await done(store.add({ pair: pair, made: new Date().toISOString() }, party));
    return fromPair(party, pair);
  }

  function fromBase64(text) {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }

  function fromBase64Url(text) {
    const plain = text.replace(/-/g, "+").replace(/_/g, "/");
    return fromBase64(plain + "=".repeat((4 - (plain.length % 4)) % 4));
  }

  // Bring into this browser the key `parley key init` made (its unencrypted PKCS#8 PEM file):
  // kept as a key that cannot be read back out, like one made here. A party that already has a
  // key in this browser keeps it; nothing is overwritten.
  async function importKey(party, pemText) {
    if (await loadKey(party)) {
      throw new Error("this browser already holds a key for " + party);
    }
    const match = /-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----/.exec(pemText);
    if (!match) {
      throw new Error("not an unencrypted PEM private key");
    }
    const der = fromBase64(match[1].replace(/\s+/g, ""));
    const algorithm = { name: "Ed25519" };
    // the public half comes from a passing, readable copy; the copy kept cannot be read
    const passing = await crypto.subtle.importKey("pkcs8", der, algorithm, true, ["sign"]);
    const jwk = await crypto.subtle.exportKey("jwk", passing);
    const privateKey = await crypto.subtle.importKey("pkcs8", der, algorithm, false, ["sign"]);
    const publicKey = await crypto.subtle.importKey("raw", fromBase64Url(jwk.x), algorithm, true, [
      "verify",
    ]);
    const pair = { privateKey: privateKey, publicKey: publicKey };
    const store = await openStore("readwrite");
    await done(store.add({ pair: pair, made: new Date().toISOString(), imported: true }, party));
    return fromPair(party, pair);
  }

  // Forget the party's key in this browser (its registration stays on the server until revoked).
  async function forgetKey(party) {
    await done((await openStore("readwrite")).delete(party));
  }

  // The parties whose keys this browser keeps.
  async function keptParties() {
    return done((await openStore("readonly")).getAllKeys());
  }

  global.ParleySigning = Object.freeze({
    canonicalJson: canonicalJson,
    commandBody: commandBody,
    contentDigest: contentDigest,
    signatureBase: signatureBase,
    segment: segment,
    keyId: keyId,
    fingerprint: fingerprint,
    loadKey: loadKey,
    makeKey: makeKey,
    importKey: importKey,
    forgetKey: forgetKey,
    keptParties: keptParties,
  });
})(window);
