// cablegate: search on a static mirror, with no server. It reads search/meta.json, then only
// the shards (search/t/N.bin) that hold the query's words and the document files
// (search/d/N.json) of the results shown. The layout is described in crates/export/src/shards.rs;
// the query language is the server's (help.html#search), read as far as a mirror can.
(function () {
  "use strict";
  var PER_PAGE = 20;
  var out = document.getElementById("static-results");
  if (!out || !window.fetch || !window.URLSearchParams) return;
  var root = out.getAttribute("data-root") || "";
  var base = root + "search/";
  var params = new URLSearchParams(location.search);
  var q = (params.get("q") || "").trim();
  var sort = params.get("sort") === "oldest" ? "oldest" : "newest";
  var page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  var box = document.getElementById("q");
  if (box) box.value = q;
  if (!q) return;
  document.title = "Search: " + q + " \u2014 cablegate";

  var warnings = [];
  var meta = null;
  var shardCache = {};

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    (children || []).forEach(function (c) {
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function say(text) {
    out.textContent = "";
    out.appendChild(el("p", { role: "status" }, [text]));
  }

  // the server's words: letters and digits, lowercased, accents folded, under 48 bytes
  var encoder = new TextEncoder();
  function words(s) {
    var m = s.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").match(/[\p{L}\p{N}]+/gu) || [];
    return m.filter(function (w) { return encoder.encode(w).length < 48; });
  }

  // ---- query language -------------------------------------------------------------------
  var FIELDS = { subject: 1, tag: 1, origin: 1, classification: 1, ref: 1, created: 1, released: 1 };

  function parse(s) {
    var clauses = [], i = 0, negNext = false, orNext = false;
    while (i < s.length) {
      var c = s[i];
      if (/\s|[()]/.test(c)) { i++; continue; }
      var neg = false;
      if (c === "-" && i + 1 < s.length && !/\s/.test(s[i + 1])) { neg = true; i++; }
      var field = null;
      var fm = /^([A-Za-z]+):/.exec(s.slice(i));
      if (fm) {
        if (FIELDS[fm[1].toLowerCase()]) {
          field = fm[1].toLowerCase();
          i += fm[0].length;
        } else {
          warnings.push("there is no field " + fm[1] + ": searched as words");
        }
      }
      var value, phrase = false;
      if (s[i] === '"') {
        var end = s.indexOf('"', i + 1);
        if (end < 0) { warnings.push("a quote was left open: closed at the end"); end = s.length; }
        value = s.slice(i + 1, end);
        phrase = true;
        i = end + 1;
      } else {
        var j = i;
        while (j < s.length && !/\s/.test(s[j])) j++;
        value = s.slice(i, j);
        i = j;
      }
      if (!field && !phrase && !neg) {
        if (value === "OR") { orNext = clauses.length > 0; continue; }
        if (value === "AND") continue;
        if (value === "NOT") { negNext = true; continue; }
      }
      clauses.push({ neg: neg || negNext, or: orNext, field: field, value: value, phrase: phrase });
      negNext = false;
      orNext = false;
    }
    return clauses;
  }

  function month(s, end) {
    var m = /^(\d{4})(?:-(\d{1,2}))?(?:-\d{1,2})?/.exec(s);
    if (!m) return null;
    if (/^\d{4}-\d{1,2}-\d{1,2}/.test(s)) warnings.push("a mirror finds cables by month: " + s + " read as its month");
    var y = parseInt(m[1], 10);
    if (m[2]) return y * 100 + parseInt(m[2], 10);
    return y * 100 + (end ? 12 : 1);
  }

  // ---- the index --------------------------------------------------------------------------
  function getJSON(path) {
    return fetch(base + path).then(function (r) {
      if (!r.ok) throw new Error(path + ": " + r.status);
      return r.json();
    });
  }

  function readVarint(b, at) {
    var v = 0, mul = 1, x;
    do { x = b[at.i++]; v += (x & 0x7f) * mul; mul *= 128; } while (x >= 0x80);
    return v;
  }

  function shard(n) {
    if (!shardCache[n]) {
      shardCache[n] = fetch(base + "t/" + n + ".bin").then(function (r) {
        if (!r.ok) throw new Error("t/" + n + ".bin: " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        var b = new Uint8Array(buf), at = { i: 0 }, terms = [], dec = new TextDecoder();
        while (at.i < b.length) {
          var len = readVarint(b, at);
          var term = dec.decode(b.subarray(at.i, at.i + len));
          at.i += len;
          var count = readVarint(b, at);
          var kind = b[at.i++];
          var size = readVarint(b, at);
          terms.push({ term: term, count: count, kind: kind, bytes: b.subarray(at.i, at.i + size) });
          at.i += size;
        }
        return terms;
      });
    }
    return shardCache[n];
  }

  // the shard whose range holds `term`: the last one whose first term is not after it
  function shardOf(term) {
    var lo = 0, hi = meta.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (meta.shards[mid] <= term) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function empty() { return new Uint8Array(Math.ceil(meta.docs / 8)); }
  function full() {
    var b = empty();
    b.fill(255);
    for (var d = meta.docs; d < b.length * 8; d++) b[d >> 3] &= ~(1 << (d & 7));
    return b;
  }

  function decode(t, into) {
    if (t.kind === 1) {
      for (var k = 0; k < t.bytes.length; k++) into[k] |= t.bytes[k];
      return;
    }
    var at = { i: 0 }, doc = 0, first = true;
    while (at.i < t.bytes.length) {
      var v = readVarint(t.bytes, at);
      doc = first ? v : doc + v;
      first = false;
      into[doc >> 3] |= 1 << (doc & 7);
    }
  }

  function term(t) {
    return shard(shardOf(t)).then(function (list) {
      var set = empty();
      for (var k = 0; k < list.length; k++) if (list[k].term === t) { decode(list[k], set); break; }
      return set;
    });
  }

  // every term that starts with `p`: the shards from the one that holds `p` on, while they
  // may still hold such terms (at most 8)
  function prefix(p) {
    var first = shardOf(p), last = first;
    while (last + 1 < meta.shards.length && meta.shards[last + 1].slice(0, p.length) <= p) last++;
    if (last - first >= 8) {
      warnings.push("many words start with " + p + ": the first of them were searched");
      last = first + 7;
    }
    var loads = [];
    for (var n = first; n <= last; n++) loads.push(shard(n));
    return Promise.all(loads).then(function (lists) {
      var set = empty();
      lists.forEach(function (list) {
        list.forEach(function (t) { if (t.term.slice(0, p.length) === p) decode(t, set); });
      });
      return set;
    });
  }

  function and(a, b) { for (var k = 0; k < a.length; k++) a[k] &= b[k]; return a; }
  function or(a, b) { for (var k = 0; k < a.length; k++) a[k] |= b[k]; return a; }
  function andNot(a, b) { for (var k = 0; k < a.length; k++) a[k] &= ~b[k]; return a; }

  function range(lo, hi) {
    // documents are in creation order: a month range is a range of numbers
    var set = empty(), from = meta.docs, to = meta.docs;
    for (var k = 0; k < meta.months.length; k++) {
      var m = meta.months[k][0];
      if (m === 0) continue;
      if (from === meta.docs && m >= lo) from = meta.months[k][1];
      if (m > hi) { to = meta.months[k][1]; break; }
    }
    for (var d = from; d < to; d++) set[d >> 3] |= 1 << (d & 7);
    return set;
  }

  function allOf(terms) {
    if (!terms.length) return Promise.resolve(null);
    return Promise.all(terms).then(function (sets) { return sets.reduce(and); });
  }

  // a clause as the set of documents it matches (null: it asks for nothing)
  function clause(c) {
    var v = c.value, f = c.field;
    if (f === "released") {
      warnings.push("a mirror cannot search by release date: " + f + ":" + v + " left out");
      return Promise.resolve(null);
    }
    if (f === "created") {
      var parts = v.split(".."), lo, hi;
      if (parts.length === 2) {
        lo = parts[0] ? month(parts[0], false) : 0;
        hi = parts[1] ? month(parts[1], true) : 999999;
      } else {
        lo = month(v, false);
        hi = month(v, true);
      }
      if (lo === null || hi === null) {
        warnings.push("not a date: " + v + " (2009, 2009-04 or 2008-01..2009-06)");
        return Promise.resolve(null);
      }
      return Promise.resolve(range(lo, hi));
    }
    if (f === "tag") return term("tag:" + v.toLowerCase());
    if (f === "ref") return term("ref:" + v.replace(/\s+/g, "").toLowerCase());
    var pre = { subject: "subject:", origin: "origin:", classification: "class:" }[f] || "";
    var isPrefix = !c.phrase && /\*$/.test(v);
    var ws = words(v);
    if (f === "origin" && ws.length > 1 && !isPrefix) {
      // a post's whole name is one term; words of it in another order are found word by word
      return term("origin=" + ws.join(" ")).then(function (set) {
        for (var k = 0; k < set.length; k++) if (set[k]) return set;
        return allOf(ws.map(function (w) { return term(pre + w); }));
      });
    }
    if (c.phrase && ws.length > 1) warnings.push('a mirror finds the words of a phrase anywhere in a cable: "' + v + '" read as its words');
    var sets = ws.map(function (w, k) {
      return isPrefix && k === ws.length - 1 ? prefix(pre + w) : term(pre + w);
    });
    return allOf(sets);
  }

  function evaluate(clauses) {
    return Promise.all(clauses.map(clause)).then(function (sets) {
      // OR binds a clause to the one before it; the groups must all match
      var groups = [];
      clauses.forEach(function (c, k) {
        if (sets[k] === null) return;
        if (c.or && groups.length && !groups[groups.length - 1].neg && !c.neg) {
          or(groups[groups.length - 1].set, sets[k]);
        } else {
          groups.push({ neg: c.neg, set: sets[k] });
        }
      });
      var pos = groups.filter(function (g) { return !g.neg; });
      if (!groups.length) return null;
      var result = pos.length ? pos.map(function (g) { return g.set; }).reduce(and) : full();
      groups.filter(function (g) { return g.neg; }).forEach(function (g) { andNot(result, g.set); });
      return result;
    });
  }

  var POP = new Uint8Array(256);
  for (var n = 1; n < 256; n++) POP[n] = (n & 1) + POP[n >> 1];

  // the documents of one results page, in the order asked for
  function pick(set, skip, take) {
    var out = [], k, b, bit;
    var newest = sort === "newest";
    for (var s = 0; s < set.length && out.length < take; s++) {
      k = newest ? set.length - 1 - s : s;
      b = set[k];
      if (!b) continue;
      if (skip >= POP[b]) { skip -= POP[b]; continue; }
      for (var j = 0; j < 8 && out.length < take; j++) {
        bit = newest ? 7 - j : j;
        if (b & (1 << bit)) {
          if (skip > 0) skip--; else out.push(k * 8 + bit);
        }
      }
    }
    return out;
  }

  // a cable's page, as the site names it (cable_href): cable/YYYY/MM/ID.html of its creation
  function href(r) {
    var dated = r[2].length >= 7;
    return "cable/" + (dated ? r[2].slice(0, 4) : "0000") + "/" + (dated ? r[2].slice(5, 7) : "00") + "/" + r[0] + ".html";
  }

  function link(p, s) {
    var u = new URLSearchParams();
    u.set("q", q);
    if (s !== "newest") u.set("sort", s);
    if (p > 1) u.set("page", String(p));
    return root + "search.html?" + u.toString();
  }

  function show(total, docs, rows) {
    out.textContent = "";
    warnings.forEach(function (w) { out.appendChild(el("p", { class: "warning", role: "status" }, [w])); });
    var pages = Math.max(1, Math.ceil(total / PER_PAGE));
    var sorts = el("span", {}, ["Sort by: "]);
    ["newest", "oldest"].forEach(function (s) {
      sorts.appendChild(s === sort ? el("strong", {}, [s]) : el("a", { href: link(1, s) }, [s]));
      sorts.appendChild(document.createTextNode(" "));
    });
    out.appendChild(el("p", { class: "summary", role: "status" }, [
      el("strong", {}, [total.toLocaleString("en-US")]),
      total === 1 ? " cable matches " : " cables match ",
      el("code", {}, [q]),
      pages > 1 ? ", page " + page + " of " + pages + ". " : ". ",
      sorts,
    ]));
    if (!total) return;
    var list = el("ol", { class: "hits", start: String((page - 1) * PER_PAGE + 1) });
    docs.forEach(function (d) {
      var r = rows[d];
      var h = el("h2", {}, [el("a", { href: root + href(r) }, [r[0]])]);
      if (r[1]) h.appendChild(document.createTextNode(": " + r[1]));
      var m = [];
      if (r[2]) m.push("Created " + r[2]);
      if (r[4]) m.push(meta.classes[r[4] - 1]);
      if (r[3]) m.push(meta.origins[r[3] - 1]);
      list.appendChild(el("li", {}, [h, el("p", { class: "meta" }, [m.join(" \u00b7 ")])]));
    });
    out.appendChild(el("div", { class: "results" }, [list]));
    if (pages > 1) {
      var nav = el("nav", { class: "pager", "aria-label": "Pages" });
      if (page > 1) nav.appendChild(el("a", { href: link(page - 1, sort), rel: "prev" }, ["previous"]));
      var shown = [1, page - 2, page - 1, page, page + 1, page + 2, pages].filter(function (p, k, a) {
        return p >= 1 && p <= pages && a.indexOf(p) === k;
      }).sort(function (a, b) { return a - b; });
      shown.forEach(function (p) {
        nav.appendChild(document.createTextNode(" "));
        nav.appendChild(p === page ? el("span", { "aria-current": "page" }, [String(p)]) : el("a", { href: link(p, sort) }, [String(p)]));
      });
      if (page < pages) {
        nav.appendChild(document.createTextNode(" "));
        nav.appendChild(el("a", { href: link(page + 1, sort), rel: "next" }, ["next"]));
      }
      out.appendChild(nav);
    }
  }

  say("Searching\u2026");
  getJSON("meta.json").then(function (m) {
    meta = m;
    return evaluate(parse(q));
  }).then(function (set) {
    if (!set) { warnings.push("the query asks for nothing a mirror can search"); show(0, [], {}); return; }
    var total = 0;
    for (var k = 0; k < set.length; k++) total += POP[set[k]];
    var docs = pick(set, (page - 1) * PER_PAGE, PER_PAGE);
    var chunks = [];
    docs.forEach(function (d) {
      var c = Math.floor(d / meta.chunk);
      if (chunks.indexOf(c) < 0) chunks.push(c);
    });
    return Promise.all(chunks.map(function (c) { return getJSON("d/" + c + ".json"); })).then(function (files) {
      var rows = {};
      chunks.forEach(function (c, k) {
        files[k].forEach(function (r, j) { rows[c * meta.chunk + j] = r; });
      });
      // a reference id alone opens its cable
      if (total === 1 && /^\d{2}[A-Za-z]+\d+$/.test(q) && rows[docs[0]][0].toUpperCase() === q.toUpperCase()) {
        location.replace(root + href(rows[docs[0]]));
        return;
      }
      show(total, docs, rows);
    });
  }).catch(function (e) {
    say(location.protocol === "file:"
      ? "Search needs the mirror served over HTTP: browsers do not let a page opened from disk read the search index (serve the folder, e.g. python3 -m http.server)."
      : "The search index of this mirror could not be read (" + e.message + ").");
  });
})();
