// Small DOM builders shared by the page's panels: list items, paragraphs, table rows.

// "the budget" -> "The budget" (the API's sentences start in lower case).
export function capital(text) {
  return text ? `${text[0].toUpperCase()}${text.slice(1)}` : text;
}

export function item(text, hint = null) {
  const li = document.createElement("li");
  li.textContent = text;
  if (hint) {
    const small = document.createElement("small");
    small.className = "hint";
    small.textContent = ` ${hint}`;
    li.append(small);
  }
  return li;
}

export function paragraph(text) {
  const p = document.createElement("p");
  p.textContent = text;
  return p;
}

// The first cell heads its row (or, in a header row, every cell heads its column).
export function tableRow(cells, header = false) {
  const tr = document.createElement("tr");
  cells.forEach((cell, i) => {
    const td = document.createElement(header || i === 0 ? "th" : "td");
    if (i === 0) td.scope = header ? "col" : "row";
    if (cell instanceof Node) td.append(cell);
    else td.textContent = cell;
    tr.append(td);
  });
  return tr;
}
