-- Fails, one row per conflict with its description, where an official cell laid over the reconstruction
-- breaks a sum or a cross-table total (int_layer_conflicts). `dbt build --store-failures` keeps the rows.
{{ config(severity='error') }}

select conflict_description, conflict_code, table_code, year, region_code, direction_code
from {{ ref('int_layer_conflicts') }}
