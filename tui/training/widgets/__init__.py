"""The training screen's panels, one module per panel."""
