#pragma once
// A small aligned text table (after ccache's TextTable): cells are left- or right-aligned,
// columns as wide as their widest cell, an optional rule under the heading. A cell may carry an
// ANSI style that does not count towards its width; the caller decides whether to use colour.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tf::report {

class TextTable {
public:
  class Cell {
  public:
    Cell(std::string text);  // NOLINT: implicit on purpose, rows read as lists of strings
    Cell(const char* text);  // NOLINT
    /// Right-aligns the cell (numbers).
    Cell& right_align() noexcept;
    /// Wraps the text in an ANSI SGR sequence such as "1;31" when rendered ("" = none).
    Cell& style(std::string sgr);

    const std::string& text() const noexcept { return m_text; }
    bool is_right_aligned() const noexcept { return m_right; }
    const std::string& sgr() const noexcept { return m_sgr; }
    /// Display width in terminal columns (UTF-8 code points).
    std::size_t width() const noexcept;

  private:
    std::string m_text;
    std::string m_sgr;
    bool m_right = false;
  };

  /// Adds the heading row; a rule of '-' is drawn under it.
  void add_heading(std::vector<Cell> cells);
  /// Adds a body row (may be shorter than others; missing cells are empty).
  void add_row(std::vector<Cell> cells);
  /// Adds a rule of '-' across all columns (e.g. before a TOTAL row).
  void add_rule();
  /// Renders all rows, columns separated by two spaces, no trailing spaces, '\n' after each line.
  std::string render() const;

private:
  struct Row {
    std::vector<Cell> cells;
    bool rule = false;
  };
  std::vector<Row> m_rows;
};

/// Terminal columns `text` takes: UTF-8 code points, ANSI SGR sequences (ESC [ … m) not counted.
std::size_t visible_width(std::string_view text) noexcept;

/// The widest line of `text` in terminal columns (visible_width).
std::size_t widest_line(std::string_view text) noexcept;

/// `text` with every line wider than `width` columns broken at blanks (or, in a word longer than
/// the line, between code points); continuation lines start with two blanks. Lines that fit,
/// and every line when `width` is 0, are unchanged.
std::string wrap_lines(std::string_view text, std::size_t width);

}  // namespace tf::report
