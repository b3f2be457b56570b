// Checks for the parts of WCAG 2.2 AA that axe-core cannot judge, run inside the page by
// tests/browser/wcag.py. Each returns plain data (descriptions of offending elements) so the
// Python side can assert on it and print a readable report.
(() => {
  const SLACK = 1; // sub-pixel rounding

  function describe(el) {
    if (!el || el.nodeType !== 1) return String(el);
    let text = el.tagName.toLowerCase();
    if (el.id) text += "#" + el.id;
    const cls = (el.getAttribute("class") || "").trim().split(/\s+/).filter(Boolean).slice(0, 2);
    if (cls.length) text += "." + cls.join(".");
    const words = (el.getAttribute("aria-label") || el.textContent || "").replace(/\s+/g, " ").trim();
    if (words) text += ` "${words.slice(0, 50)}"`;
    return text;
  }

  function rendered(el) {
    // Not drawn: display none, visibility hidden, or inside a closed <details>.
    if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden" || style.visibility === "collapse") return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  }

  // GOV.UK's visually hidden text (and the skip link until it has focus): clipped to 1px on
  // purpose, for screen readers only.
  function hiddenByClip(el) {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clip !== "auto" && style.clip !== "") return true;
      if (style.clipPath !== "none") return true;
      if ((node.clientWidth <= 1 || node.clientHeight <= 1) && style.overflow !== "visible") return true;
    }
    return false;
  }

  const scrolls = (value) => value === "auto" || value === "scroll";
  const clips = (value) => value === "hidden" || value === "clip";

  // A scroll region WCAG 1.4.10 allows: it holds a data table (or a chart or code that needs two
  // dimensions), can be reached with the keyboard, and is labelled as a region.
  function allowedScrollRegion(el) {
    const labelled = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    return (
      el.tabIndex >= 0 && el.getAttribute("role") === "region" && !!labelled &&
      !!el.querySelector("table, svg, pre")
    );
  }

  // 1.4.10 Reflow: the document never scrolls sideways; anything wider scrolls inside a
  // labelled, focusable region of its own.
  function reflow() {
    const root = document.documentElement;
    const viewport = root.clientWidth;
    const regions = [];
    const badRegions = [];
    const clipped = [];
    const overflowing = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (!rendered(el) || hiddenByClip(el)) continue;
      const style = getComputedStyle(el);
      const wider = el.scrollWidth > el.clientWidth + SLACK;
      if (wider && scrolls(style.overflowX)) {
        (allowedScrollRegion(el) ? regions : badRegions).push(describe(el));
      } else if (wider && clips(style.overflowX) && el.textContent.trim()) {
        clipped.push(describe(el));
      }
    }
    for (const el of [root, document.body]) {
      if (clips(getComputedStyle(el).overflowX)) clipped.push(`${describe(el)} hides sideways overflow`);
    }
    if (root.scrollWidth > viewport + SLACK) {
      // What reaches past the right edge and is not clipped by a scroll region: in-flow
      // content outside any region, or positioned content (visually hidden text too) whose
      // containing block is outside the region it sits in.
      const escapes = (el) => {
        const positioned = ["absolute", "fixed"].includes(getComputedStyle(el).position);
        for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
          const style = getComputedStyle(node);
          const clipsHere = scrolls(style.overflowX) || clips(style.overflowX);
          if (clipsHere && (!positioned || style.position !== "static")) return false;
          if (positioned && style.position !== "static" && !clipsHere) return true;
        }
        return true;
      };
      const found = [];
      for (const el of document.body.querySelectorAll("*")) {
        const rect = el.getBoundingClientRect();
        if (rect.right <= viewport + SLACK || !el.checkVisibility()) continue;
        if (found.some((outer) => outer.contains(el)) || !escapes(el)) continue;
        found.push(el);
        overflowing.push(
          `${describe(el)}${hiddenByClip(el) ? " (visually hidden text)" : ""} reaches ` +
          `${Math.round(rect.right + window.scrollX)} px`
        );
      }
    }
    // Charts scale down with the page (checked above) and keep their figures as text on the
    // page: a data table, or a summary list such as the family view's.
    const charts = [];
    const figures = document.querySelector("main table, main dl.govuk-summary-list");
    for (const chart of document.querySelectorAll("main svg[role=img]")) {
      if (!rendered(chart) || chart.getBoundingClientRect().width < 100) continue;
      if (!figures) charts.push(`${describe(chart)} has no table or summary list of its figures`);
    }
    return {
      viewport, documentWidth: root.scrollWidth, overflowing, badRegions, clipped, regions, charts,
    };
  }

  const TARGETS = [
    "a[href]", "button", "input:not([type=hidden])", "select", "textarea", "summary",
    "[role=button]", "[role=link]", "[role=tab]", "[role=menuitem]", "[tabindex='0']",
  ].join(",");

  // 2.5.8's "inline" exception: a link inside a sentence or block of text, sized by the line.
  // It applies when the block holds words of its own besides its targets (a list of links,
  // such as the footer's, is not a sentence).
  function inSentence(el) {
    if (getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) return false;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.data.trim() && !node.parentElement.closest(TARGETS) && !hiddenByClip(node.parentElement)) {
        return true;
      }
    }
    return false;
  }

  // 2.5.8 Target size (minimum): 24 × 24 CSS px, or a 24 px circle around an undersized target
  // touches no other target and no other undersized target's circle.
  function targetSize() {
    const found = [];
    for (const el of document.querySelectorAll(TARGETS)) {
      if (!rendered(el) || hiddenByClip(el) || el.disabled) continue;
      if (el.closest("[inert], [aria-hidden=true]")) continue;
      const rect = el.getBoundingClientRect();
      found.push({ el, rect, small: rect.width < 24 - 0.01 || rect.height < 24 - 0.01 });
    }
    const problems = [];
    const counts = { targets: found.length, big: 0, spaced: 0, inline: 0 };
    for (const t of found) {
      if (!t.small) { counts.big += 1; continue; }
      if (inSentence(t.el)) { counts.inline += 1; continue; }
      const cx = t.rect.left + t.rect.width / 2;
      const cy = t.rect.top + t.rect.height / 2;
      const clash = found.find((o) => {
        if (o === t || o.el.contains(t.el) || t.el.contains(o.el)) return false;
        const ox = o.rect.left + o.rect.width / 2;
        const oy = o.rect.top + o.rect.height / 2;
        if (o.small && Math.hypot(ox - cx, oy - cy) < 24 - 0.01) return true;
        const dx = Math.max(o.rect.left - cx, 0, cx - o.rect.right);
        const dy = Math.max(o.rect.top - cy, 0, cy - o.rect.bottom);
        return Math.hypot(dx, dy) < 12 - 0.01;
      });
      if (clash) {
        problems.push(
          `${describe(t.el)} is ${Math.round(t.rect.width)}×${Math.round(t.rect.height)} px and too close to ${describe(clash.el)}`
        );
      } else {
        counts.spaced += 1;
      }
    }
    return { counts, problems };
  }

  // 1.4.12 Text spacing and 1.4.4 Resize text: no text clipped by a box that hides overflow,
  // and no two pieces of text drawn over each other.
  function textFits() {
    const clipped = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (!rendered(el) || hiddenByClip(el) || !el.textContent.trim()) continue;
      const style = getComputedStyle(el);
      const overX = el.scrollWidth > el.clientWidth + SLACK;
      const overY = el.scrollHeight > el.clientHeight + SLACK;
      if ((overX && clips(style.overflowX)) || (overY && clips(style.overflowY))) {
        clipped.push(describe(el));
      }
      if (style.textOverflow === "ellipsis" && overX) clipped.push(`${describe(el)} (ellipsis)`);
    }
    const boxes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(), index = 0; node; node = walker.nextNode(), index += 1) {
      if (!node.data.trim()) continue;
      const parent = node.parentElement;
      if (!parent || !rendered(parent) || hiddenByClip(parent)) continue;
      if (parent.closest("script, style, noscript, option, title")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        if (r.width <= 0 || r.height <= 0) continue;
        // A text box spans the font's whole ascent and descent, which can reach into the
        // next line when the line height is tight; the middle half holds the letters.
        const inset = r.height / 4;
        const rect = { left: r.left, right: r.right, top: r.top + inset, bottom: r.bottom - inset };
        boxes.push({ index, parent, rect });
      }
    }
    boxes.sort((a, b) => a.rect.top - b.rect.top);
    const overlaps = [];
    for (let i = 0; i < boxes.length; i += 1) {
      const a = boxes[i];
      for (let j = i + 1; j < boxes.length && boxes[j].rect.top < a.rect.bottom; j += 1) {
        const b = boxes[j];
        if (a.index === b.index) continue;
        const x = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
        const y = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
        if (x > 2 && y > 2) {
          overlaps.push(`${describe(a.parent)} overlaps ${describe(b.parent)}`);
          if (overlaps.length > 10) return { clipped, overlaps };
        }
      }
    }
    return { clipped, overlaps };
  }

  // 2.4.7 Focus visible and 2.4.11 Focus not obscured (minimum), for the focused element.
  function focusState() {
    const el = document.activeElement;
    if (!el || el === document.body) return { element: "body", onPage: false };
    const rect = el.getBoundingClientRect();
    // The design system's focus state is its yellow (#fd0, with black), drawn as an outline,
    // a background or a box shadow; radios and checkboxes draw it on their label. Anything else
    // (a button's usual shadow, say) is not a focus indicator.
    const FOCUS = "rgb(255, 221, 0)";
    const painted = (style) =>
      (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 && style.outlineColor === FOCUS) ||
      style.backgroundColor === FOCUS || style.boxShadow.includes(FOCUS);
    let indicator = painted(getComputedStyle(el));
    if (!indicator && (el.type === "radio" || el.type === "checkbox") && el.labels && el.labels[0]) {
      indicator = painted(getComputedStyle(el.labels[0], "::before")) ||
        painted(getComputedStyle(el.labels[0], "::after"));
    }
    const box = (el.type === "radio" || el.type === "checkbox") && el.labels && el.labels[0]
      ? el.labels[0].getBoundingClientRect() : rect;
    const points = [
      [box.left + box.width / 2, box.top + box.height / 2],
      [box.left + 2, box.top + 2], [box.right - 2, box.top + 2],
      [box.left + 2, box.bottom - 2], [box.right - 2, box.bottom - 2],
    ];
    const seen = points.filter(([x, y]) => {
      if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) return false;
      const hit = document.elementFromPoint(x, y);
      return hit && (hit === el || el.contains(hit) || hit.contains(el) ||
        (el.labels && [...el.labels].some((label) => label.contains(hit))));
    });
    return {
      element: describe(el),
      onPage: true,
      indicator,
      programmatic: el.tabIndex < 0,
      visiblePoints: seen.length,
      positiveTabindex: document.querySelectorAll("[tabindex]:not([tabindex='0']):not([tabindex^='-'])").length,
    };
  }

  window.wcag = { reflow, targetSize, textFits, focusState };
})();
