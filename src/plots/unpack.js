// Unpacks report.html's packed blocks: each element with a `data-z` attribute holds HTML
// gzip-compressed and base64-encoded (src/plots/pack.rs); its top-level elements replace, in
// order, the element's `.ph` placeholders. Blocks near the screen (or a table opened) first,
// then every other in the background, so that printing and find-in-page see the whole page.
(() => {
  const packed = [...document.querySelectorAll("[data-z]")];
  if (!packed.length) return;
  if (!("DecompressionStream" in window)) {
    document.getElementById("unpack").hidden = false;
    return;
  }
  // The block's HTML, inflated once; kept on the element as `s` when done.
  const inflate = (e) =>
    e.z ||
    (e.z = new Response(
      new Blob([Uint8Array.from(atob(e.dataset.z), (c) => c.charCodeAt(0))])
        .stream()
        .pipeThrough(new DecompressionStream("gzip")),
    )
      .text()
      .then((s) => (e.s = s)));
  // Puts an inflated block in place of its placeholders (once).
  const put = (e) => {
    if (e.s === undefined || !e.hasAttribute("data-z")) return;
    const t = document.createElement("template");
    t.innerHTML = e.s;
    const holders = e.querySelectorAll(".ph");
    [...t.content.children].forEach((c, i) => holders[i] && holders[i].replaceWith(c));
    e.removeAttribute("data-z");
    delete e.s;
  };
  const show = (e) => inflate(e).then(() => put(e));
  const near = new IntersectionObserver(
    (seen) =>
      seen.forEach((x) => {
        if (x.isIntersecting) {
          near.unobserve(x.target);
          show(x.target);
        }
      }),
    { rootMargin: "1500px" },
  );
  for (const e of packed) {
    near.observe(e);
    if (e.tagName === "DETAILS") e.addEventListener("toggle", () => show(e), { once: true });
  }
  // The rest, a slice of about 30 ms at a time, once everything is inflated.
  let next = 0;
  const rest = () => {
    const end = performance.now() + 30;
    while (next < packed.length && performance.now() < end) put(packed[next++]);
    if (next < packed.length) setTimeout(rest, 20);
  };
  Promise.all(packed.map(inflate)).then(() => setTimeout(rest, 100));
  // Printing lays the page out at once: put whatever is inflated by then.
  addEventListener("beforeprint", () => packed.forEach(put));
})();
