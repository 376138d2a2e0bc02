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
  return static_cast<std::size_t>(std::count_if(m_text.begin(), m_text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
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

} // namespace tf::report
