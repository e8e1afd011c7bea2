"""Images stored by the portal: fetched after articles are stored, checked, kept once by content hash behind a
storage interface, and served from ``/media/`` in renditions (see ``stage``, ``images``, ``storage``)."""
