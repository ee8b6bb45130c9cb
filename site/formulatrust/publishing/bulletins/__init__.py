"""Quality bulletins from industry associations: public pages, editor, revisions, files."""
