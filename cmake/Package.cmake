# Install layout and the Debian package (cpack -G DEB): the binary, its man page, the bash
# completion generated from the CLI definition, the presets, the mock as trafficinator-mock with
# its man page, and the systemd examples.
include(GNUInstallDirs)
install(TARGETS trafficinator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES man/trafficinator.1 man/trafficinator-mock.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(PROGRAMS $<TARGET_FILE:mock-matomo> DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME trafficinator-mock)
install(DIRECTORY presets/ DESTINATION ${CMAKE_INSTALL_DATADIR}/trafficinator/presets)
install(FILES tools/systemd/trafficinator.service tools/systemd/trafficinator.timer tools/systemd/trafficinator.env
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/systemd)

# The completion lists exactly what the CLI defines: the built binary prints it.
set(tf_completion ${CMAKE_CURRENT_BINARY_DIR}/trafficinator.bash)
add_custom_command(OUTPUT ${tf_completion}
  COMMAND $<TARGET_FILE:trafficinator> completion bash > ${tf_completion}
  DEPENDS trafficinator
  COMMENT "bash completion from the CLI definition")
add_custom_target(tf_completion ALL DEPENDS ${tf_completion})
install(FILES ${tf_completion} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME trafficinator)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trafficinator)
set(CPACK_PACKAGE_CONTACT "trafficinator maintainers <trafficinator@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Realistic Matomo traffic generator (with a strict mock Matomo)")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # libcurl, libfmt, libspdlog, ... from the binaries
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGE_INSTALL_DIRECTORY /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
