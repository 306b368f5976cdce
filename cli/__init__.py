"""The command line (`faldone …`) and the demo data generator."""
