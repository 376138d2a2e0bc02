#include "report/text_table.hpp"

#include <algorithm>

namespace tf::report {

TextTable::Cell::Cell(std::string text) : m_text(std::move(text)) {}
TextTable::Cell::Cell(const char* text) : m_text(text) {}

TextTable::Cell& TextTable::Cell::right_align() noexcept {
  m_right = true;
  return *this;
}

TextTable::Cell& TextTable::Cell::style(std::string sgr) {
  m_sgr = std::move(sgr);
  return *this;
}

std::size_t TextTable::Cell::width() const noexcept {
  // Count UTF-8 lead bytes: every byte that is not a continuation byte (10xxxxxx).
  return static_cast<std::size_t>(std::count_if(
    m_text.begin(), m_text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

void TextTable::add_heading(std::vector<Cell> cells) {
  m_rows.push_back(Row{std::move(cells), false});
  add_rule();
}

void TextTable::add_row(std::vector<Cell> cells) { m_rows.push_back(Row{std::move(cells), false}); }

void TextTable::add_rule() { m_rows.push_back(Row{{}, true}); }

std::string TextTable::render() const {
  std::vector<std::size_t> widths;
  for (const auto& row : m_rows) {
    widths.resize(std::max(widths.size(), row.cells.size()), 0);
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      widths[i] = std::max(widths[i], row.cells[i].width());
    }
  }
  std::size_t total = 0;
  for (auto w : widths) {
    total += w;
  }
  total += widths.empty() ? 0 : 2 * (widths.size() - 1);

  std::string out;
  for (const auto& row : m_rows) {
    if (row.rule) {
      out.append(total, '-');
      out += '\n';
      continue;
    }
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const Cell empty{""};
      const Cell& cell = i < row.cells.size() ? row.cells[i] : empty;
      const std::size_t pad = widths[i] - cell.width();
      if (i > 0) {
        line += "  ";
      }
      if (cell.is_right_aligned()) {
        line.append(pad, ' ');
      }
      if (cell.sgr().empty()) {
        line += cell.text();
      } else {
        line += "\x1b[" + cell.sgr() + "m" + cell.text() + "\x1b[0m";
      }
      if (!cell.is_right_aligned()) {
        line.append(pad, ' ');
      }
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line;
    out += '\n';
  }
  return out;
}

namespace {

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

/// Length of the ANSI SGR sequence starting at text[i] ("\x1b[…m"), 0 if none starts there.
std::size_t escape_length(std::string_view text, std::size_t i) {
  if (text[i] != '\x1b' || i + 1 >= text.size() || text[i + 1] != '[') {
    return 0;
  }
  const auto end = text.find('m', i);
  return end == std::string_view::npos ? 0 : end - i + 1;
}

/// Breaks one line into pieces of at most `width` columns (the first) or `width` - 2 (the rest,
/// which get a two-blank indent), at the last blank that fits.
void wrap_line(std::string_view line, std::size_t width, std::string& out) {
  constexpr std::string_view k_indent = "  ";
  bool first = true;
  while (visible_width(line) > (first ? width : width - k_indent.size())) {
    const std::size_t room = first ? width : width - k_indent.size();
    std::size_t columns = 0;
    std::size_t i = 0;
    std::size_t last_blank = std::string_view::npos;
    while (i < line.size()) {
      if (const auto esc = escape_length(line, i); esc > 0) {
        i += esc;
        continue;
      }
      if (!is_continuation(line[i]) && columns == room) {
        break;
      }
      if (line[i] == ' ') {
        last_blank = i;
      }
      if (!is_continuation(line[i])) {
        ++columns;
      }
      ++i;
    }
    if (i < line.size() && line[i] == ' ') {
      last_blank = i;  // the blank just past the room: cut there
    }
    const bool at_blank = last_blank != std::string_view::npos && last_blank > 0;
    const std::size_t cut = at_blank ? last_blank : i;
    out += first ? "" : k_indent;
    out += line.substr(0, cut);
    out += '\n';
    line.remove_prefix(at_blank ? cut + 1 : cut);
    first = false;
  }
  out += first ? "" : k_indent;
  out += line;
}

}  // namespace

std::size_t visible_width(std::string_view text) noexcept {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (const auto esc = escape_length(text, i); esc > 0) {
      i += esc;
      continue;
    }
    columns += is_continuation(text[i]) ? 0U : 1U;
    ++i;
  }
  return columns;
}

std::size_t widest_line(std::string_view text) noexcept {
  std::size_t widest = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    widest = std::max(widest, visible_width(text.substr(0, nl)));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  }
  return widest;
}

std::string wrap_lines(std::string_view text, std::size_t width) {
  constexpr std::size_t k_narrowest = 20;  // below this, wrapping helps nobody
  if (width == 0) {
    return std::string(text);
  }
  width = std::max(width, k_narrowest);
  std::string out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    wrap_line(text.substr(0, nl), width, out);
    if (nl == std::string_view::npos) {
      break;
    }
    out += '\n';
    text.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace tf::report
