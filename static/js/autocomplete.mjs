// Text fields marked data-app-autocomplete="<url>" suggest values as one types, with GOV.UK's
// accessible-autocomplete (loaded by the page beside this file). The URL answers
// {"results": ["…", …]} for ?q=<what was typed>. Without JavaScript, or if the script did not
// load, the field stays a plain text field and the server matches what was typed.
// Module scripts run after deferred ones, so window.accessibleAutocomplete is there by now.

function enhance(input) {
  const url = input.dataset.appAutocomplete;
  const container = document.createElement("div");
  container.className = "app-autocomplete";
  input.parentNode.insertBefore(container, input);
  const describedBy = input.getAttribute("aria-describedby");
  let pending;
  window.accessibleAutocomplete({
    element: container,
    id: input.id,
    name: input.name,
    defaultValue: input.value,
    minLength: 2,
    showNoOptionsFound: true,
    confirmOnBlur: false,
    inputClasses: input.className,
    tNoResults: () => "No setting in the register matches",
    source(query, populate) {
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(`${url}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: pending.signal,
      })
        .then((response) => (response.ok ? response.json() : { results: [] }))
        .then((data) => populate(data.results))
        .catch(() => {});
    },
  });
  input.remove();
  // Keep the field's hint and error message announced with the new input.
  const replacement = container.querySelector("input");
  if (replacement && describedBy) {
    const own = replacement.getAttribute("aria-describedby");
    replacement.setAttribute("aria-describedby", own ? `${describedBy} ${own}` : describedBy);
  }
}

if (typeof window.accessibleAutocomplete === "function") {
  for (const input of document.querySelectorAll("input[data-app-autocomplete]")) {
    enhance(input);
  }
}
