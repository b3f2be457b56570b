// Initialise GOV.UK Frontend and MOJ Frontend components on every page, and again on content
// htmx swaps in. Every page works without this: it only enhances.
import { createAll, initAll as initGovuk, ErrorSummary } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj/moj-frontend.min.js";

initGovuk();
initMoj();

// Table regions (templates/govuk/table_region.html) are focusable in the HTML, so that without
// JavaScript a keyboard user can always scroll a wide table. Here a region stays in the tab
// order only while its table is wider than it (WCAG 1.4.10, 2.1.1), and says so with a shadow;
// where the table fits it is not a pointless tab stop. The region is looked at again whenever
// it or its table changes size (a web font arriving late widens a table) and once the fonts
// have loaded (content can overflow a table without resizing it).
function updateRegion(region) {
  const scrolls = region.scrollWidth > region.clientWidth + 1;
  region.classList.toggle("app-table-scroll--scrolls", scrolls);
  if (scrolls) {
    region.setAttribute("tabindex", "0");
  } else if (region !== document.activeElement) {
    region.removeAttribute("tabindex");
  }
}

const regionSizes = new ResizeObserver((entries) => {
  // An entry is a region or the table inside it: it is the region that is looked at.
  const regions = new Set(entries.map(({ target }) => target.closest("[data-app-scroll-region]")));
  for (const region of regions) {
    if (region) updateRegion(region);
  }
});

// The elements in (and including) scope that match selector.
function within(scope, selector) {
  const self = scope.matches && scope.matches(selector) ? [scope] : [];
  return [...self, ...scope.querySelectorAll(selector)];
}

function watchRegions(scope) {
  for (const region of within(scope, "[data-app-scroll-region]")) {
    regionSizes.observe(region);
    const table = region.firstElementChild;
    if (table) regionSizes.observe(table);
  }
}

// One polite live region for the whole page (in base.html). When htmx swaps in content that
// carries data-app-announce, its words are read out once: the number of children a search
// finds, a replay starting or finishing. The swapped content itself is not a live region:
// a region replaced wholesale is not announced reliably, and a progress bar polled every
// second would talk all the time.
const announcer = document.getElementById("app-announcer");
let lastAnnounced = "";

function announce(scope) {
  if (!announcer) return;
  const items = within(scope, "[data-app-announce]");
  const item = items[items.length - 1];
  if (!item) return;
  const words = (item.dataset.appAnnounce || item.textContent).replace(/\s+/g, " ").trim();
  if (!words || words === lastAnnounced) return;
  lastAnnounced = words;
  announcer.textContent = "";
  // A moment's gap makes screen readers treat the same words said again as new.
  window.setTimeout(() => {
    announcer.textContent = words;
  }, 100);
}

const firstAnnouncement = document.querySelector("[data-app-announce]");
if (firstAnnouncement) {
  lastAnnounced = (firstAnnouncement.dataset.appAnnounce || firstAnnouncement.textContent)
    .replace(/\s+/g, " ")
    .trim();
}
watchRegions(document);
document.fonts.ready.then(() => {
  for (const region of within(document, "[data-app-scroll-region]")) updateRegion(region);
});

document.addEventListener("htmx:afterSettle", (event) => {
  const scope = event.detail.elt;
  if (!scope || !scope.querySelector) return;
  if (scope.querySelector("[data-module='govuk-error-summary']")) {
    createAll(ErrorSummary, undefined, scope);
  }
  watchRegions(scope.isConnected ? scope : document);
  announce(scope.isConnected ? scope : document);
});
