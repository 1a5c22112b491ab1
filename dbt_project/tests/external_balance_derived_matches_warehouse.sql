-- The warehouse's external balance of a region-year must equal the one derived from official flows of other
-- kinds (all flows - interregional) where both exist: the reconstruction is calibrated to it, and an
-- ingested external table that disagrees is a conflict to resolve. One row per region-year that differs.
{{ config(severity='error') }}

select
    'the external balance differs from all flows - interregional: region ' || region_code || ', ' || year
    || ', warehouse ' || warehouse_external_net_persons || ', derived ' || derivation as failure,
    region_code,
    year,
    warehouse_external_net_persons,
    external_net_persons
from {{ ref('fct_external_balance_derived') }}
where abs(difference_persons) > {{ var('sum_tolerance', 0) }}
