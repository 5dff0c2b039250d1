/**
 * The contact sheet's page script (plain browser JS, kept as text so the report is one file).
 *
 * It renders one page of groups at a time from the embedded JSON, so a 20,000-group report
 * never puts 60,000 images in the DOM. Every value from the report reaches the page through
 * textContent, attributes set by the DOM API, or a checked URL: never through innerHTML.
 */

export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  // Marks let a reader (or a benchmark) see where opening a large report spends its time.
  performance.mark('po-script-start');
  var byId = function (id) { return document.getElementById(id); };
  var data = JSON.parse(byId('po-data').textContent);
  var thumbs = JSON.parse(byId('po-thumbs').textContent);
  performance.mark('po-data-parsed');
  var groupsEl = byId('po-groups');
  var kindEl = byId('po-kind');
  var searchEl = byId('po-search');
  var sizeEl = byId('po-size');
  var DISTANCE_HELP = 'Bits that differ between this photo\'s hash and the best photo\'s: 0 is the same picture, higher is less alike.';
  var state = { page: 1, size: Number(sizeEl.value) || 50, kind: 'all', query: '' };
  var view = data.groups;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeHref(href) {
    return typeof href === 'string' && /^(https?|file):\/\//i.test(href) ? href : null;
  }

  function addRow(dl, label, value, help) {
    if (value === undefined || value === null || value === '') return;
    var dt = el('dt', '', label);
    if (help) dt.title = help;
    dl.append(dt, el('dd', '', value));
  }

  function renderThumb(item) {
    var box = el('div', 'thumb');
    var t = item.thumb >= 0 ? thumbs[item.thumb] : null;
    if (t && typeof t.src === 'string' && t.src.indexOf('data:image/') === 0) {
      var img = el('img');
      img.alt = item.name;
      img.width = t.width;
      img.height = t.height;
      img.decoding = 'async';
      img.loading = 'lazy';
      img.src = t.src;
      box.append(img);
    } else {
      box.append(el('span', 'no-thumb', 'no preview'));
    }
    if (item.best) box.append(el('span', 'badge', 'Best'));
    if (item.reference) box.append(el('span', 'badge ref', 'Reference'));
    if (item.otherOwner) box.append(el('span', 'badge ref', item.otherOwner + "'s"));
    return box;
  }

  function renderItem(item) {
    var card = el('article', item.best ? 'item best' : 'item');
    card.dataset.id = item.id;
    if (item.best) card.setAttribute('aria-label', 'Best photo: ' + item.name);
    card.append(renderThumb(item));
    var info = el('div', 'info');
    info.append(el('div', 'name', item.name));
    var path = el('div', 'path', item.path);
    path.title = item.path;
    info.append(path);
    var dl = el('dl');
    addRow(dl, 'Pixels', item.resolution);
    addRow(dl, 'File', item.size + ' · ' + item.format);
    addRow(dl, 'Taken', item.date);
    addRow(dl, 'Camera', item.camera);
    addRow(dl, 'Distance', item.best ? 'best photo' : String(item.distance), DISTANCE_HELP);
    if (item.siblings && item.siblings.length) addRow(dl, 'With', item.siblings.join(', '));
    info.append(dl);
    if (!item.best && item.notKept) {
      var why = el('p', 'why', '');
      why.append(el('b', '', 'Not kept: '), document.createTextNode(item.notKept));
      info.append(why);
    }
    var href = item.link ? safeHref(item.link.href) : null;
    if (href) {
      var a = el('a', 'open', item.link.label);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      info.append(a);
    }
    card.append(info);
    return card;
  }

  function renderGroup(group) {
    var section = el('section', 'group');
    section.dataset.groupId = group.id;
    var head = el('div', 'group-head');
    head.append(el('h2', '', group.id));
    var kind = el('span', 'tag kind kind-' + group.kind, group.kind);
    kind.title = group.kindHelp;
    head.append(kind);
    if (group.foundBy) head.append(el('span', 'tag', group.foundBy));
    head.append(el('span', 'meta', group.items.length + ' photos · ' + group.reclaimable + ' reclaimable'));
    section.append(head);
    var reason = el('p', 'reason');
    reason.append(el('b', '', 'Why this one is best: '), document.createTextNode(group.bestReason || '-'));
    section.append(reason);
    var items = el('div', 'items');
    group.items.forEach(function (item) { items.append(renderItem(item)); });
    section.append(items);
    return section;
  }

  function pageCount() { return Math.max(1, Math.ceil(view.length / state.size)); }

  function renderPager(pager) {
    var pages = pageCount();
    var first = view.length === 0 ? 0 : (state.page - 1) * state.size + 1;
    var last = Math.min(view.length, state.page * state.size);
    pager.replaceChildren();
    pager.append(el('span', 'count', 'Groups ' + first + '–' + last + ' of ' + view.length));
    function button(label, title, page, disabled, cls) {
      var b = el('button', cls, label);
      b.type = 'button';
      b.title = title;
      b.disabled = disabled;
      b.addEventListener('click', function () { go(page); });
      pager.append(b);
    }
    button('«', 'First page', 1, state.page <= 1, 'first');
    button('‹ Prev', 'Previous page (←)', state.page - 1, state.page <= 1, 'prev');
    var input = el('input', 'page-input');
    input.type = 'number';
    input.min = '1';
    input.max = String(pages);
    input.value = String(state.page);
    input.setAttribute('aria-label', 'Page number');
    input.addEventListener('change', function () { go(Number(input.value)); });
    pager.append(input, el('span', 'of', 'of ' + pages));
    button('Next ›', 'Next page (→)', state.page + 1, state.page >= pages, 'next');
    button('»', 'Last page', pages, state.page >= pages, 'last');
  }

  function render() {
    var start = (state.page - 1) * state.size;
    var slice = view.slice(start, start + state.size);
    var fragment = document.createDocumentFragment();
    slice.forEach(function (group) { fragment.append(renderGroup(group)); });
    if (slice.length === 0) {
      var none = data.groups.length === 0 ? 'No duplicates found: every photo is unique.' : 'No groups match.';
      fragment.append(el('p', 'empty', none));
    }
    groupsEl.replaceChildren(fragment);
    document.querySelectorAll('.pager').forEach(renderPager);
  }

  function go(page, keepScroll) {
    var target = Math.min(pageCount(), Math.max(1, Math.floor(page) || 1));
    state.page = target;
    history.replaceState(null, '', '#page=' + target);
    render();
    if (!keepScroll) groupsEl.scrollIntoView({ block: 'start' });
  }

  function matches(group) {
    if (state.kind !== 'all' && group.kind !== state.kind) return false;
    if (!state.query) return true;
    if (group.id.toLowerCase().indexOf(state.query) >= 0) return true;
    return group.items.some(function (item) { return item.path.toLowerCase().indexOf(state.query) >= 0; });
  }

  function refilter() {
    view = state.kind === 'all' && !state.query ? data.groups : data.groups.filter(matches);
    go(1, true);
  }

  var searchTimer = 0;
  kindEl.addEventListener('change', function () { state.kind = kindEl.value; refilter(); });
  searchEl.addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { state.query = searchEl.value.trim().toLowerCase(); refilter(); }, 200);
  });
  sizeEl.addEventListener('change', function () {
    var firstShown = (state.page - 1) * state.size;
    state.size = Number(sizeEl.value) || 50;
    go(Math.floor(firstShown / state.size) + 1, true);
  });
  document.addEventListener('keydown', function (event) {
    var tag = event.target && event.target.tagName;
    if (tag === 'INPUT' || tag === 'SELECT' || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'ArrowRight' && state.page < pageCount()) go(state.page + 1);
    if (event.key === 'ArrowLeft' && state.page > 1) go(state.page - 1);
  });

  var fromHash = /^#page=(\d+)$/.exec(location.hash);
  go(fromHash ? Number(fromHash[1]) : 1, true);
  performance.mark('po-first-page');
})();
`;
