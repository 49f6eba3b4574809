"""Date formats per language (FORMAT_MODULE_PATH): English keeps ISO dates (2026-12-03 09:41), German writes
them the German way (03.12.2026 09:41); both say the viewer's time zone where the page names one."""
