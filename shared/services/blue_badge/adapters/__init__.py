"""Blue Badge's adapters: the badge-number counter, the print store, the supplier's SFTP."""
