"""Pipeline configs and lexicons, shipped inside the package as ``kg.pipelines``."""
